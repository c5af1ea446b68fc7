// The reward history (storage/layout.ts `rewards`, state/reward-history.ts):
// one record per §3.10 credit, kept after it matures, written with the block
// that creates it and taken off exactly on its disconnect. Regtest with
// BOOTSTRAP_MIN_VALIDATOR_STAKE = 1 and the faucet bonded as the only validator
// (test/helpers/poa.ts), so every key block after a1 is endorsed through its
// M_{h,0}; REWARD_PERIOD 10, REWARD_MATURITY 2.
import { test, type Test } from 'tap';
import { splitSubsidy, scheduledSubsidy } from '../../src/consensus/rewards.js';
import { encodeMicroblockHeader } from '../../src/protocol/microblock.js';
import {
  KIND_INFRASTRUCTURE,
  KIND_MINER,
  KIND_VALIDATOR_POOL,
  KIND_VALIDATOR_SLOT,
  ROLE_INFRASTRUCTURE,
  ROLE_VALIDATOR,
  decodePending,
  decodePendingKey,
} from '../../src/state/entries.js';
import type { Storage, Tables, WritableTable } from '../../src/storage/db.js';
import { equivocation } from '../helpers/equivocation.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { buildMicroblock } from '../helpers/blocks.js';
import {
  addActivation,
  endorsedEpoch,
  faucetEndorsements,
  openPoaHarness,
  POA_PARAMS,
} from '../helpers/poa.js';
import { ruleCode } from '../helpers/rule-code.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FAUCET_ACCOUNT, signedTx } from '../helpers/txs.js';

const ALTO = 10n ** 18n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Makes every commit that moves the tip throw at that write, the last of a block's connect. */
function failTipWrite(storage: Storage): () => void {
  const commit = storage.commit.bind(storage);
  storage.commit = ((write: (tables: Tables<WritableTable>) => unknown) =>
    commit((tables) =>
      write({
        ...tables,
        meta: {
          ...tables.meta,
          put: (key, value) => {
            if (Buffer.from(key).toString() === 'tip') throw new Error('fault at the tip');
            tables.meta.put(key, value);
          },
        },
      }),
    )) as typeof storage.commit;
  return () => {
    storage.commit = commit;
  };
}

/** The whole `rewards` sub-database, as hex pairs. */
function rewardsTable(h: ChainHarness): string[] {
  return [...h.storage.read.rewards.range()].map(({ key, value }) => `${hex(key)}=${hex(value)}`);
}

/**
 * An oracle read from the state alone: every pending entry (account, source, kind) seen after any
 * block of the best chain, with its last amount (a credit only grows until it matures).
 */
function watchPending(h: ChainHarness): Map<string, bigint> {
  const seen = new Map<string, bigint>();
  h.onEachBlock(() => {
    for (const { key, value } of h.chain.state().range(Uint8Array.of(0x0f), Uint8Array.of(0x10))) {
      const { account, sourceHeight, kind } = decodePendingKey(key);
      seen.set(`${hex(account)}/${sourceHeight}/${kind}`, decodePending(value).amount);
    }
  });
  return seen;
}

function historyOf(h: ChainHarness, account: Uint8Array): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const { records } = h.chain.rewardHistory(account, 1000);
  for (const r of records) out.set(`${hex(r.account)}/${r.sourceHeight}/${r.kind}`, r.amount);
  return out;
}

/** g ── a ── a1 (stakes validator 10 and infrastructure 4 ALTO) ── A2 … A`to` endorsed. */
function stakedChain(t: Test, to: number): { h: ChainHarness; names: string[]; tip: string } {
  const h = openPoaHarness(t);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n * ALTO }, nonce: 0n }, POA_PARAMS),
    signedTx({ payload: { type: 6, role: ROLE_INFRASTRUCTURE, amount: 4n * ALTO }, nonce: 1n }, POA_PARAMS),
  ]);
  const names = ['a', 'a1'];
  let tip = 'a1';
  for (let i = 2; i <= to; i++) {
    tip = endorsedEpoch(h, 'A', i, tip);
    names.push(`A${i}`, `A${i}m`);
  }
  return { h, names, tip };
}

test('the reward history holds every credit: leader, endorsers floor(V/N) per slot, settlement payouts', async (t) => {
  //   g ── a ── a1 (stakes) ── A2 … A13   (settlement at 11 pays kinds 8 and 9)
  const h = openPoaHarness(t);
  const seen = watchPending(h);
  h.key('a', 'g');
  h.micro('a1', 'a', [
    signedTx({ payload: { type: 6, role: ROLE_VALIDATOR, amount: 10n * ALTO }, nonce: 0n }, POA_PARAMS),
    signedTx({ payload: { type: 6, role: ROLE_INFRASTRUCTURE, amount: 4n * ALTO }, nonce: 1n }, POA_PARAMS),
  ]);
  let tip = 'a1';
  for (let i = 2; i <= 13; i++) tip = endorsedEpoch(h, 'A', i, tip);
  // Every account's history equals what the state showed pending, block after block.
  const accounts = new Set([...seen.keys()].map((k) => k.split('/')[0]!));
  t.ok(accounts.size >= 3, 'the faucet and the payouts were credited');
  const history = new Map<string, bigint>();
  for (const account of accounts)
    for (const [k, v] of historyOf(h, Buffer.from(account, 'hex'))) history.set(k, v);
  t.same(history, seen, 'one record per credit the state ever held, with its amount');
  const perSlot = splitSubsidy(scheduledSubsidy(2n, POA_PARAMS)).validators / 5n;
  const faucet = h.chain.rewardHistory(FAUCET_ACCOUNT, 1000);
  const slotCredits = faucet.records.filter((r) => r.kind === KIND_VALIDATOR_SLOT);
  t.equal(slotCredits.length, 12, 'one kind-4 record per endorsed key block 2…13');
  t.ok(
    slotCredits.every((r) => r.amount === 3n * perSlot && r.maturity === r.sourceHeight + 2n),
    'three included slots × floor(V/N), maturing at source + REWARD_MATURITY',
  );
  const settled = faucet.records.filter((r) => r.sourceHeight === 11n).map((r) => r.kind);
  t.ok(settled.includes(KIND_VALIDATOR_POOL), 'the validator pool paid at settlement (kind 9, source 11)');
  t.ok(
    settled.includes(KIND_INFRASTRUCTURE),
    'the infrastructure pool paid at settlement (kind 8, source 11)',
  );
  const leader = h.chain.rewardHistory(new Uint8Array(20).fill('A'.charCodeAt(0)), 1000);
  t.same(
    leader.records.filter((r) => r.kind === KIND_MINER).map((r) => r.sourceHeight),
    [13n, 12n, 11n, 10n, 9n, 8n, 7n, 6n, 5n, 4n, 3n, 2n],
    "the leader's miner share at every height it led, newest first",
  );
  const pendingNow = leader.records
    .filter((r) => r.maturity > h.chain.tip.keyHeight)
    .reduce((n, r) => n + r.amount, 0n);
  t.equal(leader.totals.pending, pendingNow, 'pending: the records maturing after the tip');
  t.equal(
    leader.totals.credited,
    leader.records.reduce((n, r) => n + r.amount, 0n),
    'credited: every record',
  );
  t.equal(leader.completeFrom, 0n, 'a data directory made with the history is complete from genesis');
});

test('a reorg over credits leaves the history of a chain that only saw the winning branch', async (t) => {
  //   g ── a ── a1 ┬─ A2 … A12   (settlement at 11; kinds 1–4, 8, 9)
  //                └─ B2 … B14   (heavier: the reorg undoes all of A's)
  const { h, names } = stakedChain(t, 12);
  const before = rewardsTable(h);
  t.ok(before.length > 20, 'A credited many records');
  const bNames: string[] = [];
  let bTip = 'a1';
  for (let i = 2; i <= 14; i++) {
    bTip = endorsedEpoch(h, 'B', i, bTip);
    bNames.push(`B${i}`, `B${i}m`);
  }
  t.equal(h.tipName(), bTip, 'the heavier branch wins');
  const fresh = openPoaHarness(t);
  fresh.replay(h, [...names.slice(0, 2), ...bNames]);
  t.equal(fresh.tipName(), bTip);
  t.same(rewardsTable(h), rewardsTable(fresh), 'the whole rewards sub-database of a chain that only saw B');
  t.equal(h.digest(), fresh.digest());
  t.notOk(
    h.chain.rewardHistory(new Uint8Array(20).fill('A'.charCodeAt(0)), 1000).records.length,
    "A's payout has no record left",
  );
});

test('a block whose commit fails leaves no record, and the same block connects afterwards', async (t) => {
  const { h, tip } = stakedChain(t, 3);
  const before = rewardsTable(h);
  t.equal(h.key('A4', tip, 'A'.charCodeAt(0)), 'candidate');
  // M_{h,0} connects A4: KeyConnect credits the leader and the endorsers. Its commit fails at its
  // last write, the tip, after the history's records were put.
  const restore = failTipWrite(h.storage);
  t.throws(() => addActivation(h, 'A4m', 'A4', [0, 1, 2]), /fault at the tip/);
  restore();
  t.same(rewardsTable(h), before, 'the failed connect wrote nothing to the history');
  t.equal(h.tipName(), tip);
  addActivation(h, 'A4m2', 'A4', [0, 1, 3]);
  t.equal(h.tipName(), 'A4m2', 'another M_{h,0} connects A4');
  t.ok(
    h.chain
      .rewardHistory(FAUCET_ACCOUNT, 1000)
      .records.some((r) => r.sourceHeight === 4n && r.kind === KIND_VALIDATOR_SLOT),
    'then connected, it credits',
  );
});

test('a block that fails its rules after KeyConnect staged its credits leaves no record', async (t) => {
  const { h, tip } = stakedChain(t, 3);
  const before = rewardsTable(h);
  t.equal(h.key('A4', tip, 'A'.charCodeAt(0)), 'candidate');
  // M_{h,0} with enough endorsements, then a transaction whose nonce is wrong (§4.1): KeyConnect ran
  // in the overlay, then the block failed, and the transaction rolled back whole.
  const k = h.entry('A4');
  const bad = signedTx(
    { payload: { type: 1, to: new Uint8Array(20), amount: 1n, memo: new Uint8Array(0) }, nonce: 9n },
    POA_PARAMS,
  );
  const code = ruleCode(() =>
    h.add('A4m', {
      kind: 'micro',
      block: buildMicroblock({
        keyBlockId: k.id,
        keyHeight: k.keyHeight,
        timeMs: k.timeMs + 1000n,
        activation: faucetEndorsements(h, 'A4', [0, 1, 2]),
        txs: [bad],
        params: POA_PARAMS,
      }),
    }),
  );
  t.match(code, /nonce/, 'the microblock fails on its transaction');
  t.same(rewardsTable(h), before, 'no record of the failed block');
});

test('a data directory from before the history: complete from the key height after its tip, and a reorg below that stays consistent', async (t) => {
  //   g ── k1 ── k2 ┬─ k3 ── m3 (tip when schema 2 closed) ── k4 ── k5
  //                 └─ c3 ── c4 ── c5 ── c6  (heavier: the reorg crosses the height the history starts at)
  const dir = tempDir((fn) => {
    t.teardown(fn);
  });
  const old = ChainHarness.open(() => undefined, dir);
  old.key('k1', 'g');
  old.key('k2', 'k1');
  old.key('k3', 'k2');
  old.micro('m3', 'k3');
  // What schema 2 left: the same blocks and state, no history.
  old.storage.commit((tables) => {
    for (const { key } of [...tables.rewards.range()]) tables.rewards.remove(key);
    tables.meta.put(new TextEncoder().encode('version'), Uint8Array.of(2, 0, 0, 0));
  });
  await old.storage.close();

  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  }, dir);
  h.replay(old, ['k1', 'k2', 'k3', 'm3']); // names them: each is a duplicate here
  const payout = (byte: string): Uint8Array => new Uint8Array(20).fill(byte.charCodeAt(0));
  t.equal(h.chain.rewardHistory(payout('k'), 10).completeFrom, 4n, 'm3 is of epoch 3: complete from 4');
  t.same(h.chain.rewardHistory(payout('k'), 10).records, [], 'no record of the blocks before');
  h.key('k4', 'm3');
  h.key('k5', 'k4');
  t.same(
    h.chain.rewardHistory(payout('k'), 10).records.map((r) => r.sourceHeight),
    [5n, 4n],
    'the credits from 4 on',
  );
  // Named apart from k's payout: c blocks pay 'c'.
  h.key('c3', 'k2');
  h.key('c4', 'c3');
  h.key('c5', 'c4');
  h.key('c6', 'c5');
  t.equal(h.tipName(), 'c6', 'the reorg disconnects k5, k4, m3, k3');
  t.same(h.chain.rewardHistory(payout('k'), 10).records, [], "k's credits from 4 on are gone");
  t.same(
    h.chain.rewardHistory(payout('c'), 10).records.map((r) => r.sourceHeight),
    [6n, 5n, 4n],
    "c's credits from 4 on, none of c3's: the history starts at 4",
  );
});

test('a credit Poison cancels leaves the history, and comes back when the Poison block is disconnected', async (t) => {
  //   g ── b1 ── m1a ── b2 ┬─ m2 (Poison: b1's leader also signed m1b)
  //          └─ m1b        └─ c3  (heavier: disconnects m2)
  const { h, m1a, m1b } = equivocation((fn) => {
    t.teardown(fn);
  });
  const payoutB1 = new Uint8Array(20).fill(0xb1);
  const kindsOf = (account: Uint8Array): string[] =>
    h.chain.rewardHistory(account, 100).records.map((r) => `${r.sourceHeight}-${r.kind}`);
  t.same(kindsOf(payoutB1), ['2-2', '1-1'], "before: b1's miner share and 40% of epoch 1's fees");
  const before = rewardsTable(h);
  const poison = signedTx({
    nonce: 1n,
    payload: {
      type: 12,
      headerA: encodeMicroblockHeader(m1a.header),
      sigA: m1a.leaderSig,
      headerB: encodeMicroblockHeader(m1b.header),
      sigB: m1b.leaderSig,
    },
  });
  t.equal(h.micro('m2', 'b2', [poison]), 'connected');
  t.same(kindsOf(payoutB1), [], 'both are cancelled: the history holds credits as they stand');
  t.same(kindsOf(FAUCET_ACCOUNT), ['2-12', '2-11'], 'the reporter has its two bounties, source 2');
  h.key('c3', 'b2', 0xc3);
  t.equal(h.tipName(), 'c3');
  t.same(kindsOf(FAUCET_ACCOUNT), [], 'the bounties go with m2');
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['b1', 'm1a', 'b2', 'c3']);
  t.same(rewardsTable(h), rewardsTable(fresh), 'the history of a chain that never saw the Poison');
  t.not(rewardsTable(h).length, 0);
  t.ok(
    before.every((line) => rewardsTable(h).includes(line)),
    "b1's credits are back",
  );
});
