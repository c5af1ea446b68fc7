import { test } from 'tap';
import { microblockSigningMessage } from '../../src/consensus/microblock-rules.js';
import { checkTxSanity } from '../../src/consensus/tx-rules.js';
import { getPublicKey, verify } from '../../src/crypto/ed25519.js';
import { accountId } from '../../src/protocol/address.js';
import { encodeMicroblockHeader, type Microblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { Tx } from '../../src/protocol/tx.js';
import {
  KIND_LEADER_FEE,
  KIND_MINER,
  KIND_POISON_FEE,
  KIND_POISON_MINT,
  decodePending,
  pendingKey,
} from '../../src/state/entries.js';
import { LEADER_SEED, buildMicroblock } from '../helpers/blocks.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { equivocation } from '../helpers/equivocation.js';
import { IDENTITY_Y_P_PLUS_1, signWithIdentityR } from '../helpers/non-canonical-r.js';
import { FAUCET_SEED, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const PAYOUT_B1 = new Uint8Array(20).fill(0xb1);
const REPORTER = accountId(getPublicKey(FAUCET_SEED));

function proof(a: Microblock, b: Microblock, nonce: bigint): Tx {
  return signedTx({
    seed: FAUCET_SEED,
    nonce,
    payload: {
      type: 12,
      headerA: encodeMicroblockHeader(a.header),
      sigA: a.leaderSig,
      headerB: encodeMicroblockHeader(b.header),
      sigB: b.leaderSig,
    },
  });
}

function pending(h: ChainHarness, key: Uint8Array): bigint | undefined {
  const bytes = h.chain.state().get(key);
  return bytes === undefined ? undefined : decodePending(bytes).amount;
}

test("a Poison proof cancels the equivocating leader's pending rewards, pays the reporter 5% and burns the rest of the fees", async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  t.equal(
    pending(h, pendingKey(3n, PAYOUT_B1, 1n, KIND_MINER)),
    3n * ALTO,
    'before: the miner share of b1 pends',
  );
  t.equal(
    pending(h, pendingKey(4n, PAYOUT_B1, 2n, KIND_LEADER_FEE)),
    400n,
    'before: 40% of epoch 1 fees pend',
  );
  t.equal(h.micro('m2', 'b2', [proof(m1a, m1b, 1n)]), 'connected');
  t.equal(pending(h, pendingKey(3n, PAYOUT_B1, 1n, KIND_MINER)), undefined, 'the miner share is cancelled');
  t.equal(
    pending(h, pendingKey(4n, PAYOUT_B1, 2n, KIND_LEADER_FEE)),
    undefined,
    'the leader fee is cancelled',
  );
  t.equal(
    pending(h, pendingKey(4n, REPORTER, 2n, KIND_POISON_MINT)),
    (3n * ALTO * 500n) / 10000n,
    'bounty, subsidy part',
  );
  t.equal(pending(h, pendingKey(4n, REPORTER, 2n, KIND_POISON_FEE)), 20n, 'bounty, fee part');
  t.equal(h.chain.state().counters().burned, 380n, 'the rest of the cancelled fees is burned');
  t.ok(h.chain.state().epoch(1n)?.poisoned, 'epoch 1 is marked poisoned');
  h.key('b3', 'm2', 0xb3);
  t.equal(h.chain.state().account(PAYOUT_B1), undefined, 'b1 never receives its miner share');
});

test('already-poisoned: a second proof for the same epoch', async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  h.micro('m2', 'b2', [proof(m1a, m1b, 1n)]);
  t.throws(() => h.micro('m3', 'm2', [proof(m1b, m1a, 2n)]), { code: 'already-poisoned' });
});

test('poison-too-early: a proof about the epoch that contains it', async (t) => {
  const { h } = equivocation((fn) => {
    t.teardown(fn);
  });
  const b2 = h.entry('b2');
  const x = buildMicroblock({
    keyBlockId: b2.id,
    prev: b2.id,
    keyHeight: 2n,
    seq: 0,
    timeMs: b2.timeMs + 1000n,
  });
  const y = buildMicroblock({
    keyBlockId: b2.id,
    prev: b2.id,
    keyHeight: 2n,
    seq: 0,
    timeMs: b2.timeMs + 3000n,
  });
  t.throws(() => h.micro('m2', 'b2', [proof(x, y, 1n)]), { code: 'poison-too-early' });
});

test('poison-too-late: once the epoch rewards have matured (c ≥ k + REWARD_MATURITY)', async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  h.key('b3', 'b2', 0xb3);
  t.throws(() => h.micro('m3', 'b3', [proof(m1a, m1b, 1n)]), { code: 'poison-too-late' });
});

test('bad-fraud-proof: one header twice, headers that do not fork, or one not signed by the leader', async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  t.throws(
    () => h.micro('x1', 'b2', [proof(m1a, m1a, 1n)]),
    { code: 'bad-fraud-proof' },
    'the same header twice',
  );
  const b1 = h.entry('b1');
  const later = buildMicroblock({
    keyBlockId: b1.id,
    prev: new Uint8Array(32).fill(5),
    keyHeight: 1n,
    seq: 1,
    timeMs: b1.timeMs + 9000n,
  });
  t.throws(
    () => h.micro('x2', 'b2', [proof(m1a, later, 1n)]),
    { code: 'bad-fraud-proof' },
    'neither prev nor seq equal',
  );
  const forged = buildMicroblock({
    keyBlockId: b1.id,
    prev: b1.id,
    keyHeight: 1n,
    seq: 0,
    timeMs: b1.timeMs + 4000n,
    leaderSeed: new Uint8Array(32).fill(4),
  });
  t.throws(
    () => h.micro('x3', 'b2', [proof(m1a, forged, 1n)]),
    { code: 'bad-fraud-proof' },
    'signed by someone else',
  );
  t.equal(h.micro('m2', 'b2', [proof(m1a, m1b, 1n)]), 'connected', 'the honest proof still lands');
});

test('bad-fraud-proof: a header signature whose R is not canonical is REJECTed, whatever the state (§2.3)', async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  const b1 = h.entry('b1');
  const message = microblockSigningMessage(b1.id, m1b.header, REGTEST);
  const sigB = signWithIdentityR(message, LEADER_SEED, IDENTITY_Y_P_PLUS_1);
  t.ok(verify(sigB, message, getPublicKey(LEADER_SEED)), 'the ZIP-215 equation holds');
  const tx = proof(m1a, { ...m1b, leaderSig: sigB }, 1n);
  t.throws(
    () => {
      checkTxSanity(tx, REGTEST);
    },
    { code: 'bad-fraud-proof', gossip: 'reject' },
    'refused before any state is read',
  );
  t.throws(() => h.micro('x', 'b2', [tx]), { code: 'bad-fraud-proof', gossip: 'reject' }, 'and in a block');
  t.notOk(h.chain.state().epoch(1n)?.poisoned, 'epoch 1 stays unpoisoned');
});

test('bad-fraud-proof: headers of epoch 0 (genesis has no leader, §1.3)', async (t) => {
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  const zero = (m: Microblock): Microblock => ({ ...m, header: { ...m.header, keyHeight: 0n } });
  t.throws(
    () => {
      checkTxSanity(proof(zero(m1a), zero(m1b), 1n), REGTEST);
    },
    { code: 'bad-fraud-proof', gossip: 'reject' },
  );
  t.equal(h.micro('m2', 'b2', [proof(m1a, m1b, 1n)]), 'connected', 'the honest proof still lands');
});
