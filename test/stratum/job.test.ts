import { createHash } from 'node:crypto';
import { test } from 'tap';
import { keyBlockTemplate } from '../../src/miner/template.js';
import { encodeKeyBlockBody, encodeKeyBlockHeader } from '../../src/protocol/key-block.js';
import { TESTNET } from '../../src/protocol/params.js';
import { jobOf, prevhashHex, shareBlock, u32Hex } from '../../src/stratum/job.js';

const sha256d = (data: Uint8Array): Buffer =>
  createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('§11.3 encodings: prevhash with each 4-byte word reversed, u32 fields as 8 big-endian hex digits', async (t) => {
  const prev = Uint8Array.from({ length: 32 }, (_, i) => i);
  t.equal(prevhashHex(prev), '03020100070605040b0a09080f0e0d0c13121110171615141b1a19181f1e1d1c');
  t.same(
    prev,
    Uint8Array.from({ length: 32 }, (_, i) => i),
    'the header bytes are left as they were',
  );
  t.equal(u32Hex(1), '00000001');
  t.equal(u32Hex(0x1f00ffff), '1f00ffff');
  t.equal(u32Hex(0xffffffff), 'ffffffff');
});

test('a job carries the template as mining.notify does, and a share rebuilds the header cpuminer-opt hashed', async (t) => {
  const prev = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
  const template = keyBlockTemplate(
    {
      prev: { id: prev } as never,
      height: 77n,
      bits: 0x1f00ffff,
      medianTimePast: 1_800_000_000,
    },
    { leaderKey: new Uint8Array(32).fill(0x11), payout: new Uint8Array(20).fill(0x22), nowS: 1_800_000_100 },
    TESTNET,
  );
  const job = jobOf('2a', template);
  const body = encodeKeyBlockBody(template.block.body);
  t.same(job.notify, [
    '2a',
    prevhashHex(prev),
    hex(body.subarray(0, 64)),
    hex(body.subarray(72, 104)),
    [],
    '00000001',
    '1f00ffff',
    u32Hex(1_800_000_100),
  ]);

  const extranonce1 = Uint8Array.from([1, 2, 3, 4]);
  const extranonce2 = Uint8Array.from([5, 6, 7, 8]);
  const block = shareBlock(job, extranonce1, extranonce2, 1_800_000_123, 0xdeadbeef);
  // What a miner does with the notify: coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2, then the header by hand.
  const minerBody = Buffer.concat([body.subarray(0, 64), extranonce1, extranonce2, body.subarray(72, 104)]);
  t.equal(hex(encodeKeyBlockBody(block.body)), minerBody.toString('hex'), 'the body is the miner’s');
  const minerHeader = Buffer.alloc(80);
  minerHeader.writeUInt32LE(1, 0);
  Buffer.from(prev).copy(minerHeader, 4);
  sha256d(minerBody).copy(minerHeader, 36);
  minerHeader.writeUInt32LE(1_800_000_123, 68);
  minerHeader.writeUInt32LE(0x1f00ffff, 72);
  minerHeader.writeUInt32LE(0xdeadbeef, 76);
  t.equal(hex(encodeKeyBlockHeader(block.header)), minerHeader.toString('hex'), 'the header is the miner’s');
  t.same(template.block.body.extranonce, new Uint8Array(8), 'the template itself is untouched');
});
