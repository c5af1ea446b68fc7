// Crash safety of a real node process: a clean stop (SIGTERM) and repeated
// hard kills (SIGKILL) at random moments while it mines and leads microblocks.
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { decodeKeyBlock } from '../../src/protocol/key-block.js';
import { decodeMicroblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx } from '../../src/protocol/tx.js';
import { Storage } from '../../src/storage/db.js';
import { NodeProcess } from '../helpers/node-process.js';
import { seeded } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { transfer } from '../helpers/txs.js';
import { encodeAddress } from '../../src/protocol/address.js';
import { FAUCET_ACCOUNT } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const FAST = ['--block-interval', '0.2', '--microblock-interval', '0.05'];
const FEE = 10n ** 11n * 200n;
const KILLS = Number(process.env.ALTOSTREAM_KILLS ?? 10);

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Sends `count` transfers from the faucet, chained from its next nonce. */
async function sendTransfers(url: string, count: number, salt: number): Promise<void> {
  const faucet = encodeAddress(REGTEST.hrp, FAUCET_ACCOUNT);
  const { nextNonce } = await get<{ nextNonce: string }>(`${url}/accounts/${faucet}`);
  for (let i = 0; i < count; i++) {
    const tx = transfer(new Uint8Array(20).fill((salt + i) & 0xff), 1000n + BigInt(i), {
      fee: FEE,
      nonce: BigInt(nextNonce) + BigInt(i),
    });
    await fetch(`${url}/txs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hex: hex(encodeTx(tx)) }),
    });
  }
}

test('SIGTERM mid-mining: exit 0, and a restart finds the same tip and state digest', async (t) => {
  const datadir = tempDir((fn) => {
    t.teardown(fn);
  });
  const { proc, url } = await NodeProcess.start(['--datadir', datadir, ...FAST]);
  await proc.waitFor((l) => l.msg === 'mined a key block' && Number(l.height) >= 3);
  await sendTransfers(url, 5, 1);
  await proc.waitFor((l) => l.msg === 'mined a key block' && Number(l.height) >= 5);
  proc.kill('SIGTERM');
  const exit = await proc.exited;
  t.equal(exit.code, 0, 'a clean exit');
  const stopped = await proc.waitFor((l) => l.msg === 'node stopped');

  const again = await NodeProcess.start(['--datadir', datadir, '--no-mine']);
  t.teardown(() => {
    again.proc.kill('SIGKILL');
  });
  const digest = await get<{ digest: string; tip: { id: string } }>(`${again.url}/state/digest`);
  t.equal(digest.tip.id, stopped.tip, 'the same tip');
  t.equal(digest.digest, stopped.digest, 'the same state digest');
  again.proc.kill('SIGTERM');
  t.equal((await again.proc.exited).code, 0);
});

test(`SIGKILL at ${KILLS} random moments: every restart succeeds, and the state equals a replay of the stored blocks`, async (t) => {
  const datadir = tempDir((fn) => {
    t.teardown(fn);
  });
  const random = seeded(0x5ec1c);
  let lastHeight = 0;
  for (let run = 0; run < KILLS; run++) {
    const { proc, url } = await NodeProcess.start(['--datadir', datadir, ...FAST]);
    const status = await get<{ height: number }>(`${url}/status`);
    t.ok(status.height >= lastHeight, `run ${run}: restarted at height ${status.height}`);
    lastHeight = status.height;
    // Transactions in flight make the leader commit microblocks while the kill lands.
    void sendTransfers(url, 20, run * 20).catch(() => undefined);
    await delay(100 + (random.u32() % 1400));
    proc.kill('SIGKILL');
    await proc.exited;
  }

  const { proc, url } = await NodeProcess.start(['--datadir', datadir, '--no-mine']);
  t.teardown(() => {
    proc.kill('SIGKILL');
  });
  const node = await get<{ digest: string; tip: { id: string; keyHeight: number } }>(`${url}/state/digest`);
  t.ok(node.tip.keyHeight > 0, `mined to height ${node.tip.keyHeight}`);

  // Replay the stored best chain into a fresh chain in this process.
  const storage = Storage.open(
    tempDir((fn) => {
      t.teardown(fn);
    }),
  );
  t.teardown(() => storage.close());
  const replay = Chain.open(storage, { params: REGTEST });
  let transactions = 0;
  for (let h = 1; h <= node.tip.keyHeight; h++) {
    const epoch = await get<{ keyBlock: { hex: string }; microblocks: { hex: string; txCount: number }[] }>(
      `${url}/blocks/height/${h}`,
    );
    replay.add({ kind: 'key', block: decodeKeyBlock(Buffer.from(epoch.keyBlock.hex, 'hex')) });
    for (const m of epoch.microblocks) {
      transactions += m.txCount;
      replay.add({ kind: 'micro', block: decodeMicroblock(Buffer.from(m.hex, 'hex')) });
    }
  }
  t.ok(transactions > 0, `${transactions} transactions replayed`);
  t.equal(replay.tip.hex, node.tip.id, 'the replay reaches the same tip');
  t.equal(hex(replay.digest()), node.digest, 'and the same state digest');
  proc.kill('SIGTERM');
  t.equal((await proc.exited).code, 0);
});
