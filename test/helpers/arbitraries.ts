// fast-check arbitraries for the protocol's wire types.
import fc from 'fast-check';
import type { KeyBlock } from '../../src/protocol/key-block.js';
import type { Microblock } from '../../src/protocol/microblock.js';
import type { Attestation, Tx, TxPayload } from '../../src/protocol/tx.js';

export const bytesOf = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const upTo = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: n });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
export const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** A string whose UTF-8 encoding fits `maxBytes`. */
const text = (maxBytes: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: 'grapheme', maxLength: Math.min(maxBytes, 40) })
    .filter((s) => new TextEncoder().encode(s).length <= maxBytes);

const attestation: fc.Arbitrary<Attestation> = fc.record({
  songId: bytesOf(32),
  listenerKey: bytesOf(32),
  startS: u64,
  seconds: u32,
  app: bytesOf(20),
  serial: u64,
  sig: bytesOf(64),
});

export const payloadOfType: Readonly<Record<number, fc.Arbitrary<TxPayload>>> = {
  1: fc.record({ type: fc.constant(1 as const), to: bytesOf(20), amount: u128, memo: upTo(256) }),
  2: fc.record({
    type: fc.constant(2 as const),
    roles: fc.integer({ min: 0, max: 255 }),
    displayName: text(64),
    metadata: bytesOf(32),
  }),
  3: fc.record({
    type: fc.constant(3 as const),
    songId: bytesOf(32),
    title: text(128),
    metadata: bytesOf(32),
    durationS: u32,
    splits: fc.array(fc.record({ account: bytesOf(20), bp: u16 }), { maxLength: 16 }),
  }),
  4: fc.oneof(
    fc.record({
      type: fc.constant(4 as const),
      targetKind: fc.constant(0 as const),
      target: bytesOf(20),
      amount: u128,
      memo: upTo(256),
    }),
    fc.record({
      type: fc.constant(4 as const),
      targetKind: fc.constant(1 as const),
      target: bytesOf(32),
      amount: u128,
      memo: upTo(256),
    }),
  ),
  5: fc.record({ type: fc.constant(5 as const), musician: bytesOf(20), amount: u128, periods: u16 }),
  6: fc.oneof(
    fc.record({ type: fc.constant(6 as const), role: fc.constantFrom(1 as const, 3 as const), amount: u128 }),
    fc.record({
      type: fc.constant(6 as const),
      role: fc.constant(2 as const),
      amount: u128,
      app: fc.record({ name: text(64), serviceKey: bytesOf(32) }),
    }),
  ),
  7: fc.record({
    type: fc.constant(7 as const),
    role: fc.constantFrom(1 as const, 2 as const, 3 as const),
    amount: u128,
  }),
  8: fc.record({
    type: fc.constant(8 as const),
    app: bytesOf(20),
    attestations: fc.array(attestation, { maxLength: 4 }),
  }),
  9: fc.oneof(
    fc.record({
      type: fc.constant(9 as const),
      kind: fc.constant(0 as const),
      votingPeriod: u32,
      text: text(1024),
    }),
    fc.record({
      type: fc.constant(9 as const),
      kind: fc.constant(1 as const),
      votingPeriod: u32,
      text: text(1024),
      change: fc.record({ paramId: u16, value: u128 }),
    }),
  ),
  10: fc.record({
    type: fc.constant(10 as const),
    proposalId: bytesOf(32),
    choice: fc.constantFrom(1 as const, 2 as const, 3 as const),
  }),
  12: fc.record({
    type: fc.constant(12 as const),
    headerA: bytesOf(124),
    sigA: bytesOf(64),
    headerB: bytesOf(124),
    sigB: bytesOf(64),
  }),
};

export const txOf = (payload: fc.Arbitrary<TxPayload>): fc.Arbitrary<Tx> =>
  fc.record({
    version: fc.constant(1 as const),
    sender: bytesOf(32),
    nonce: u64,
    fee: u128,
    validUntil: u64,
    payload,
    signature: bytesOf(64),
  });

export const keyBlock: fc.Arbitrary<KeyBlock> = fc.record({
  header: fc.record({ version: u32, prev: bytesOf(32), root: bytesOf(32), time: u32, bits: u32, nonce: u32 }),
  body: fc.record({
    magic: bytesOf(4),
    height: u64,
    leaderKey: bytesOf(32),
    payout: bytesOf(20),
    extranonce: bytesOf(8),
    aux: bytesOf(32),
  }),
});

export const microblockArb: fc.Arbitrary<Microblock> = fc.record({
  header: fc.record({
    version: fc.integer({ min: 0, max: 0xffffffff }),
    prev: bytesOf(32),
    keyHeight: u64,
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    timeMs: u64,
    txRoot: bytesOf(32),
    txCount: fc.integer({ min: 0, max: 0xffffffff }),
    actHash: bytesOf(32),
  }),
  leaderSig: bytesOf(64),
  activation: fc.array(
    fc.record({ index: fc.integer({ min: 0, max: 255 }), validatorKey: bytesOf(32), sig: bytesOf(64) }),
    { maxLength: 5 },
  ),
  txs: fc.array(txOf(fc.oneof(payloadOfType[1]!, payloadOfType[5]!, payloadOfType[10]!)), { maxLength: 4 }),
});
