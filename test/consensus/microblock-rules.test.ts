import { test } from 'tap';
import { getPublicKey, verify } from '../../src/crypto/ed25519.js';
import { isMutatedClass } from '../../src/consensus/invalidity.js';
import {
  checkMicroblockActivation,
  checkMicroblockContext,
  checkMicroblockSize,
  checkMicroblockTxBinding,
  microblockSigningMessage,
  type MicroblockContext,
} from '../../src/consensus/microblock-rules.js';
import { keyBlockId } from '../../src/protocol/key-block.js';
import { encodeMicroblock, type Microblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import { LEADER_SEED, buildMicroblock, mineKeyBlock } from '../helpers/blocks.js';
import {
  IDENTITY_SIGNED_ZERO_X,
  IDENTITY_Y_P_PLUS_1,
  signWithIdentityR,
} from '../helpers/non-canonical-r.js';
import { transfer } from '../helpers/txs.js';

const K1 = mineKeyBlock({ time: REGTEST.genesis.time + 60 });
const K1_ID = keyBlockId(K1.header);
const T0 = BigInt(K1.header.time) * 1000n;
const ALICE = new Uint8Array(20).fill(0xa1);

// Rules 1 and 6: what binds the body to the header.
const sanity = (block: Microblock) => () => {
  checkMicroblockSize(block, encodeMicroblock(block).length);
  checkMicroblockTxBinding(block);
};

const CONTEXT: MicroblockContext = {
  parent: { kind: 'key', height: 1n, timeS: K1.header.time },
  epochKeyBlockId: K1_ID,
  leaderKey: getPublicKey(LEADER_SEED),
  minIntervalMs: () => 500,
  nowMs: T0 + 10_000n,
};
const context =
  (block: Microblock, overrides: Partial<MicroblockContext> = {}) =>
  () => {
    checkMicroblockContext(block, { ...CONTEXT, ...overrides }, REGTEST);
  };

const withTxs = buildMicroblock({
  keyBlockId: K1_ID,
  timeMs: T0 + 1000n,
  txs: [transfer(ALICE, 5n), transfer(ALICE, 6n, { nonce: 1n })],
});

test('an honest microblock passes sanity and context', async (t) => {
  t.doesNotThrow(sanity(withTxs));
  t.doesNotThrow(context(withTxs));
});

test('microblock-too-large is of the mutated class', async (t) => {
  // The size rule itself runs on real encodings in test/protocol/limits.test.ts.
  t.ok(isMutatedClass('microblock-too-large'));
});

test('too-many-txs: a header claiming more than 10,000 transactions', async (t) => {
  t.throws(sanity({ ...withTxs, header: { ...withTxs.header, txCount: 10_001 } }), { code: 'too-many-txs' });
});

test('mutated: act_hash, tx_count, tx_root or a repeated transaction that the header does not bind', async (t) => {
  const [first, second] = withTxs.txs as [Microblock['txs'][0], Microblock['txs'][0]];
  t.throws(
    sanity({
      ...withTxs,
      activation: [{ index: 0, validatorKey: new Uint8Array(32), sig: new Uint8Array(64) }],
    }),
    {
      code: 'mutated',
    },
    'activation data swapped in',
  );
  t.throws(sanity({ ...withTxs, txs: [first] }), { code: 'mutated' }, 'a transaction dropped');
  t.throws(sanity({ ...withTxs, txs: [second, first] }), { code: 'mutated' }, 'transactions reordered');
  const twice = buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 1000n, txs: [first, first] });
  t.throws(sanity(twice), { code: 'mutated' }, 'one transaction twice (CVE-2012-2459)');
  t.ok(isMutatedClass('mutated'));
  t.notOk(isMutatedClass('bad-sequence'), 'a sequence error does condemn the header');
});

test('bad-sequence: seq 0 after the key block, one more after a microblock, never in epoch 0', async (t) => {
  const second = buildMicroblock({ keyBlockId: K1_ID, seq: 1, timeMs: T0 + 2000n });
  t.throws(context(second), { code: 'bad-sequence' }, 'seq 1 on a key block');
  const afterMicro = { kind: 'micro' as const, keyHeight: 1n, seq: 0, timeMs: T0 + 1000n };
  t.doesNotThrow(context(second, { parent: afterMicro }));
  t.throws(context(second, { parent: { ...afterMicro, seq: 1 } }), { code: 'bad-sequence' }, 'a skipped seq');
  const otherEpoch = buildMicroblock({ keyBlockId: K1_ID, keyHeight: 2n, timeMs: T0 + 1000n });
  t.throws(context(otherEpoch), { code: 'bad-sequence' }, 'key_height of another epoch');
  const epochZero = buildMicroblock({ keyBlockId: K1_ID, keyHeight: 0n, timeMs: T0 + 1000n });
  t.throws(
    context(epochZero, { parent: { kind: 'key', height: 0n, timeS: K1.header.time } }),
    {
      code: 'bad-sequence',
    },
    'genesis has no microblocks',
  );
});

test('bad-leader-signature: signed by another key or for another key block (mutated class)', async (t) => {
  const byOther = buildMicroblock({
    keyBlockId: K1_ID,
    timeMs: T0 + 1000n,
    leaderSeed: new Uint8Array(32).fill(7),
  });
  t.throws(context(byOther), { code: 'bad-leader-signature' });
  const forOther = buildMicroblock({ keyBlockId: new Uint8Array(32).fill(1), timeMs: T0 + 1000n });
  t.throws(context(forOther), { code: 'bad-leader-signature' }, 'the key block id is in the signed message');
  t.ok(isMutatedClass('bad-leader-signature'));
});

test('bad-leader-signature: an R that is not canonically encoded fails though ZIP-215 accepts it (§2.3)', async (t) => {
  const honest = buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 1000n });
  const message = microblockSigningMessage(K1_ID, honest.header, REGTEST);
  for (const [name, r] of [
    ['y = p + 1', IDENTITY_Y_P_PLUS_1],
    ['x = 0 with the sign bit', IDENTITY_SIGNED_ZERO_X],
  ] as const) {
    const leaderSig = signWithIdentityR(message, LEADER_SEED, r);
    t.ok(verify(leaderSig, message, getPublicKey(LEADER_SEED)), `${name}: the ZIP-215 equation holds`);
    t.throws(context({ ...honest, leaderSig }), { code: 'bad-leader-signature', gossip: 'reject' }, name);
  }
});

test('microblock-too-soon: after the parent by at least MIN_MICROBLOCK_INTERVAL, and strictly later', async (t) => {
  t.throws(context(buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 499n })), {
    code: 'microblock-too-soon',
  });
  t.doesNotThrow(context(buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 500n })));
  t.throws(
    context(buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 }), { minIntervalMs: () => 0 }),
    {
      code: 'microblock-too-soon',
    },
    'the same time as the parent, even with no minimum interval',
  );
});

test('time-too-new: more than 120 s ahead of the local clock, not permanent', async (t) => {
  const ahead = buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 10_000n + 120_001n });
  t.throws(context(ahead), { code: 'time-too-new', permanent: false, gossip: 'ignore' });
});

test('bad-activation: bootstrap epochs and seq > 0 carry no activation entries', async (t) => {
  const entry = { index: 0, validatorKey: new Uint8Array(32), sig: new Uint8Array(64) };
  const block = buildMicroblock({ keyBlockId: K1_ID, timeMs: T0 + 1000n, activation: [entry] });
  t.throws(
    () => {
      checkMicroblockActivation(block, true);
    },
    { code: 'bad-activation' },
  );
  const second = buildMicroblock({ keyBlockId: K1_ID, seq: 1, timeMs: T0 + 1000n, activation: [entry] });
  t.throws(
    () => {
      checkMicroblockActivation(second, false);
    },
    { code: 'bad-activation' },
    'seq > 0 even in an endorsed epoch',
  );
  t.doesNotThrow(() => {
    checkMicroblockActivation(block, false);
  }, 'seq 0 of an endorsed epoch carries them');
});
