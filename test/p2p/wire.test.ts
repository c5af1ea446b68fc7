import fc from 'fast-check';
import { test } from 'tap';
import { RuleError } from '../../src/protocol/errors.js';
import {
  decodeBlockMessage,
  decodeIdsRequest,
  decodeRangeRequest,
  decodeStatus,
  encodeBlockMessage,
  encodeIdsRequest,
  encodeRangeRequest,
  encodeStatus,
  frame,
  KEY_TIP_SEQ,
  STATUS_LENGTH,
} from '../../src/p2p/wire.js';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('status (§10.3): 108 bytes, chain work little-endian, round trip', async (t) => {
  fc.assert(
    fc.property(
      bytes32,
      bytes32,
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
      (g, tip, height, work) => {
        const status = {
          genesisId: g,
          tipId: tip,
          tipKeyHeight: height,
          tipSeq: KEY_TIP_SEQ,
          chainWork: work,
        };
        const encoded = encodeStatus(status);
        return encoded.length === STATUS_LENGTH && decodeStatus(encoded).chainWork === work;
      },
    ),
  );
  const one = encodeStatus({
    genesisId: new Uint8Array(32),
    tipId: new Uint8Array(32),
    tipKeyHeight: 0n,
    tipSeq: 0,
    chainWork: 1n,
  });
  t.equal(one[76], 1, 'chain work starts at its least significant byte');
  t.throws(() => decodeStatus(one.subarray(0, 107)), { code: 'bad-encoding' });
  t.throws(() => decodeStatus(Uint8Array.from([...one, 0])), { code: 'trailing-bytes' });
});

test('blocks-by-range: max_epochs must be 1–64', async (t) => {
  const request = { keyHeight: 7n, startIndex: 2, maxEpochs: 64 };
  t.same(decodeRangeRequest(encodeRangeRequest(request)), request);
  for (const maxEpochs of [0, 65]) {
    t.throws(() => decodeRangeRequest(encodeRangeRequest({ ...request, maxEpochs })), {
      code: 'bad-encoding',
    });
  }
});

test('blocks-by-id: at most 64 ids, each 32 bytes', async (t) => {
  const ids = Array.from({ length: 64 }, (_, i) => new Uint8Array(32).fill(i));
  t.same(decodeIdsRequest(encodeIdsRequest(ids)), ids);
  const tooMany = Uint8Array.from([65, ...new Uint8Array(65 * 32)]);
  t.throws(() => decodeIdsRequest(tooMany), { code: 'oversize' });
});

test('block messages: kind byte, or the single byte 0xff for an unknown id', async (t) => {
  t.same(decodeBlockMessage(encodeBlockMessage({ kind: 'unknown' })), { kind: 'unknown' });
  const micro = decodeBlockMessage(encodeBlockMessage({ kind: 'micro', bytes: Uint8Array.of(1, 2, 3) }));
  t.same(micro, { kind: 'micro', bytes: Uint8Array.of(1, 2, 3) });
  for (const junk of [new Uint8Array(), Uint8Array.of(0), Uint8Array.of(2, 1)]) {
    t.throws(() => decodeBlockMessage(junk), RuleError);
  }
});

test('frames are CompactSize-prefixed (§2.1, §10.3)', async (t) => {
  t.same(frame(Uint8Array.of(9)), Uint8Array.of(1, 9));
  const big = frame(new Uint8Array(300));
  t.same(big.subarray(0, 3), Uint8Array.of(0xfd, 0x2c, 0x01));
  t.equal(big.length, 303);
});
