// The 129-byte endorsement (PROTOCOL.md §5.3) and its signed message (§2.6).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { test } from 'tap';
import { getPublicKey, sign } from '../../src/crypto/ed25519.js';
import {
  ENDORSEMENT_LENGTH,
  decodeEndorsement,
  encodeEndorsement,
  endorsementSigningMessage,
  type Endorsement,
} from '../../src/protocol/endorsement.js';
import { RuleError } from '../../src/protocol/errors.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';
import { bytesOf } from '../helpers/arbitraries.js';
import { ruleCode } from '../helpers/rule-code.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const endorsement: fc.Arbitrary<Endorsement> = fc.record({
  keyBlockId: bytesOf(32),
  index: fc.integer({ min: 0, max: 255 }),
  validatorKey: bytesOf(32),
  sig: bytesOf(64),
});

test('endorsements round-trip through exactly 129 bytes in field order (1,000 cases)', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(endorsement, (e) => {
        const bytes = encodeEndorsement(e);
        const back = decodeEndorsement(bytes);
        return (
          bytes.length === ENDORSEMENT_LENGTH &&
          hex(bytes) ===
            hex(e.keyBlockId) + e.index.toString(16).padStart(2, '0') + hex(e.validatorKey) + hex(e.sig) &&
          hex(encodeEndorsement(back)) === hex(bytes) &&
          back.index === e.index
        );
      }),
      { numRuns: 1000 },
    );
  });
});

test('bad-encoding for fewer than 129 bytes, oversize for more', async (t) => {
  const bytes = encodeEndorsement(fc.sample(endorsement, { numRuns: 1, seed: 1 })[0]!);
  for (const length of [0, 1, 32, 33, 65, 128]) {
    t.equal(
      ruleCode(() => decodeEndorsement(bytes.subarray(0, length))),
      'bad-encoding',
      `${length} bytes`,
    );
  }
  for (const length of [130, 200, 1_000_000]) {
    const long = new Uint8Array(length);
    long.set(bytes);
    t.equal(
      ruleCode(() => decodeEndorsement(long)),
      'oversize',
      `${length} bytes`,
    );
  }
});

test('decoding junk only ever throws a RuleError (1,000 cases)', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeEndorsement(bytes);
          return bytes.length === ENDORSEMENT_LENGTH;
        } catch (error) {
          return error instanceof RuleError && bytes.length !== ENDORSEMENT_LENGTH;
        }
      }),
      { numRuns: 1000 },
    );
  });
});

test('the signed message is "ALTO/<chainId>/endorse" ‖ key_block_id ‖ index (§2.6)', async (t) => {
  const id = new Uint8Array(32).fill(0xab);
  const message = endorsementSigningMessage(id, 3, REGTEST);
  const expected = Buffer.concat([
    Buffer.from(`ALTO/${REGTEST.chainId}/endorse`, 'ascii'),
    id,
    Buffer.from([3]),
  ]);
  t.equal(hex(message), expected.toString('hex'));
  t.not(hex(endorsementSigningMessage(id, 3, MAINNET)), hex(message), 'the chain id is in the message');
  t.not(hex(endorsementSigningMessage(id, 4, REGTEST)), hex(message), 'the index is in the message');
});

test('a signature made with the WASM signer verifies under @noble/curves and node:crypto', async (t) => {
  const seed = createHash('sha256').update('validator').digest();
  const key = getPublicKey(seed);
  const id = createHash('sha256').update('key block').digest();
  const message = endorsementSigningMessage(id, 2, REGTEST);
  const sig = sign(message, seed);
  t.ok(noble.verify(sig, message, key, { zip215: false }), '@noble/curves, RFC 8032 strict');
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key]);
  t.ok(
    verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig),
    'node:crypto',
  );
  t.equal(hex(sig), hex(noble.sign(message, seed)), 'deterministic: the same bytes as @noble/curves');
});
