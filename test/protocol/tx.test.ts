import fc from 'fast-check';
import { test } from 'tap';
import { sha256d } from '../../src/crypto/hash.js';
import { Writer } from '../../src/protocol/codec.js';
import { RuleError } from '../../src/protocol/errors.js';
import { TX_TYPES, decodeTx, encodeTx, txId, type Tx } from '../../src/protocol/tx.js';
import { payloadOfType, txOf } from '../helpers/arbitraries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

for (const type of TX_TYPES) {
  test(`type ${type} transactions round-trip: decode(encode(tx)) re-encodes to the same bytes (1,000 cases)`, async (t) => {
    t.doesNotThrow(() => {
      fc.assert(
        fc.property(txOf(payloadOfType[type]!), (tx) => {
          const bytes = encodeTx(tx);
          const again = encodeTx(decodeTx(bytes));
          return hex(again) === hex(bytes);
        }),
        { numRuns: 1000 },
      );
    });
  });
}

test('random bytes only ever fail with a RuleError', async (t) => {
  let decoded = 0;
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decodeTx(bytes);
          decoded++;
          return true;
        } catch (error) {
          return error instanceof RuleError;
        }
      }),
      { numRuns: 3000 },
    );
  });
  t.ok(decoded < 3000, 'almost all random byte strings are refused');
});

function sample(type: number): Tx {
  return fc.sample(txOf(payloadOfType[type]!), { numRuns: 1, seed: type })[0]!;
}

/** A transaction's bytes with the payload replaced by `payload`. */
function withPayload(type: number, payload: Uint8Array): Uint8Array {
  const tx = sample(type);
  return new Writer()
    .u8(1)
    .u8(type)
    .fixed(tx.sender, 32)
    .u64(tx.nonce)
    .u128(tx.fee)
    .u64(tx.validUntil)
    .bytesOf(payload, 200_000)
    .fixed(tx.signature, 64)
    .finish();
}

test('bad-version: only version 1 exists', async (t) => {
  const bytes = encodeTx(sample(1));
  bytes[0] = 2;
  t.throws(() => decodeTx(bytes), { code: 'bad-version' });
});

test('unknown-tx-type: types 0, 11 (reserved) and 13+ are refused', async (t) => {
  for (const type of [0, 11, 13, 255]) {
    const bytes = encodeTx(sample(1));
    bytes[1] = type;
    t.throws(() => decodeTx(bytes), { code: 'unknown-tx-type' }, `type ${type}`);
  }
});

test('tx-too-large: an encoding over 200,000 bytes', async (t) => {
  const memo = new Uint8Array(200_000 - 100);
  t.throws(() => decodeTx(withPayload(1, memo)), { code: 'tx-too-large' });
});

test('trailing-bytes: in the payload and after the signature', async (t) => {
  const good = encodeTx(sample(5));
  t.throws(() => decodeTx(new Uint8Array([...good, 0])), { code: 'trailing-bytes' }, 'after the signature');
  const payload = new Writer().fixed(new Uint8Array(20), 20).u128(5n).u16(3).u8(0).finish();
  t.throws(() => decodeTx(withPayload(5, payload)), { code: 'trailing-bytes' }, 'inside the payload');
});

test('bad-role, bad-target-kind, bad-proposal-kind, bad-choice: flags with listed values only', async (t) => {
  t.throws(() => decodeTx(withPayload(6, new Writer().u8(4).u128(1n).finish())), { code: 'bad-role' });
  t.throws(() => decodeTx(withPayload(7, new Writer().u8(0).u128(1n).finish())), { code: 'bad-role' });
  t.throws(() => decodeTx(withPayload(4, new Writer().u8(2).finish())), { code: 'bad-target-kind' });
  t.throws(() => decodeTx(withPayload(9, new Writer().u8(2).finish())), { code: 'bad-proposal-kind' });
  t.throws(() => decodeTx(withPayload(10, new Writer().fixed(new Uint8Array(32), 32).u8(4).finish())), {
    code: 'bad-choice',
  });
});

test('txid: a copy with a changed field never reuses the id computed for the original', async (t) => {
  // txId remembers each object's id (a report is 168 kB to re-encode): the memo must follow the bytes.
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TX_TYPES).chain((type) => txOf(payloadOfType[type]!)),
        (tx) => {
          const id = hex(txId(tx));
          const changed: Tx[] = [
            { ...tx, fee: tx.fee ^ 1n },
            { ...tx, nonce: tx.nonce ^ 1n },
            { ...tx, signature: tx.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) },
            { ...tx, payload: { ...tx.payload } }, // same bytes: same id
          ];
          const decoded = decodeTx(encodeTx(tx));
          return (
            id === hex(sha256d(encodeTx(tx))) &&
            changed.every((copy) => hex(txId(copy)) === hex(sha256d(encodeTx(copy)))) &&
            hex(txId(changed[3]!)) === id &&
            hex(txId(decoded)) === id &&
            hex(txId(tx)) === id
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

test('txid: the id handed out is a copy, so a caller changing it cannot change the next answer', async (t) => {
  const tx = sample(8);
  const first = txId(tx);
  const expected = hex(first);
  first.fill(0);
  t.equal(hex(txId(tx)), expected);
  t.equal(hex(txId(tx)), hex(sha256d(encodeTx(tx))));
});
