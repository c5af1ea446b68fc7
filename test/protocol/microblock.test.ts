import fc from 'fast-check';
import { test } from 'tap';
import { sha256d } from '../../src/crypto/hash.js';
import { Writer } from '../../src/protocol/codec.js';
import { RuleError } from '../../src/protocol/errors.js';
import {
  MICRO_HEADER_LENGTH,
  decodeMicroblock,
  encodeMicroblock,
  encodeMicroblockHeader,
  merkleRoot,
} from '../../src/protocol/microblock.js';
import { microblockArb } from '../helpers/arbitraries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('microblocks round-trip through their encoding (1,000 cases)', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(microblockArb, (block) => {
        const bytes = encodeMicroblock(block);
        return hex(encodeMicroblock(decodeMicroblock(bytes))) === hex(bytes);
      }),
      { numRuns: 1000 },
    );
  });
  const [sample] = fc.sample(microblockArb, { numRuns: 1, seed: 1 });
  t.equal(encodeMicroblockHeader(sample!.header).length, MICRO_HEADER_LENGTH);
});

test('random bytes only ever fail to decode as a microblock with a RuleError', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          decodeMicroblock(bytes);
          return true;
        } catch (error) {
          return error instanceof RuleError;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

test('microblock-too-large over 1,000,000 bytes (§3.3 rule 1); oversize for a list count over 10,000 (§2.1)', async (t) => {
  t.throws(() => decodeMicroblock(new Uint8Array(1_000_001)), { code: 'microblock-too-large' });
  const [sample] = fc.sample(microblockArb, { numRuns: 1, seed: 2 });
  const head = encodeMicroblock({ ...sample!, txs: [] });
  const tooMany = new Writer()
    .raw(head.subarray(0, head.length - 1))
    .varint(10_001)
    .finish();
  t.throws(() => decodeMicroblock(tooMany), { code: 'oversize' });
});

test('MR: none → zeros, one → the leaf, odd levels duplicate their last element (§2.2)', async (t) => {
  const leaf = (n: number): Uint8Array => new Uint8Array(32).fill(n);
  const h2 = (a: Uint8Array, b: Uint8Array): Uint8Array => sha256d(new Uint8Array([...a, ...b]));
  t.equal(hex(merkleRoot([])), '00'.repeat(32));
  t.equal(hex(merkleRoot([leaf(1)])), hex(leaf(1)));
  t.equal(hex(merkleRoot([leaf(1), leaf(2)])), hex(h2(leaf(1), leaf(2))));
  t.equal(hex(merkleRoot([leaf(1), leaf(2), leaf(3)])), hex(h2(h2(leaf(1), leaf(2)), h2(leaf(3), leaf(3)))));
});
