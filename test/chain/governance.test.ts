import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import {
  PROPOSAL_APPLIED,
  PROPOSAL_NO_QUORUM,
  PROPOSAL_OPEN,
  PROPOSAL_PASSED,
  PROPOSAL_REJECTED,
  PROPOSAL_REPLACED,
} from '../../src/consensus/state-view.js';
import { RESERVE_ACCOUNT, accountId } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import { txId, type Tx, type TxPayload } from '../../src/protocol/tx.js';
import { decodePending, pendingKey } from '../../src/state/entries.js';
import { PREFIX_PROPOSAL, decodeProposal } from '../../src/state/governance-entries.js';
import { tallySoFar } from '../../src/state/tally.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { ruleCode } from '../helpers/rule-code.js';
import { supplyCheckedHarness, supplyParts } from '../helpers/supply.js';
import { FAUCET_SEED, signedTx } from '../helpers/txs.js';

// Regtest (§12): PROPOSAL_DEPOSIT 1 ALTO, voting period 2–100, PARAM_CHANGE_DELAY 2,
// GOVERNANCE_WINDOW 20, REWARD_PERIOD 10, REWARD_MATURITY 2, MIN_STAKE 1 ALTO per role.
const ALTO = 10n ** 18n;
const FEE = 1000n;
const DEPOSIT = REGTEST.governance.proposalDeposit;
const KIND_VOTING_REWARD = 10;

class Signer {
  nonce = 0n;
  readonly account: Uint8Array;
  constructor(readonly seed: Uint8Array) {
    this.account = accountId(getPublicKey(seed));
  }
  /** A signed tx with the next nonce; the nonce moves on only if `keep` (a tx the chain accepts). */
  tx(payload: TxPayload, keep = true): Tx {
    const tx = signedTx({ seed: this.seed, payload, nonce: this.nonce, fee: FEE });
    if (keep) this.nonce++;
    return tx;
  }
}

const signal = (votingPeriod = 2, text = 'signal'): TxPayload => ({ type: 9, kind: 0, votingPeriod, text });
const change = (paramId: number, value: bigint, votingPeriod = 2): TxPayload => ({
  type: 9,
  kind: 1,
  votingPeriod,
  text: `param ${paramId} := ${value}`,
  change: { paramId, value },
});
const pay = (to: Uint8Array, amount: bigint): TxPayload => ({ type: 1, to, amount, memo: new Uint8Array(0) });
const vote = (proposalId: Uint8Array, choice: 1 | 2 | 3): TxPayload => ({ type: 10, proposalId, choice });
const YES = 1;
const NO = 2;
const ABSTAIN = 3;

const harness = (t: Test): ChainHarness => supplyCheckedHarness(t);

const balanceOf = (h: ChainHarness, account: Uint8Array): bigint =>
  h.chain.state().account(account)?.balance ?? 0n;

/** Key blocks `${prefix}${from}` … `${prefix}${to}`, each on the one before; returns the last name. */
function keys(h: ChainHarness, prefix: string, from: number, to: number, parent: string): string {
  let last = parent;
  for (let i = from; i <= to; i++) {
    h.key(`${prefix}${i}`, last, 0x30 + (i % 200));
    last = `${prefix}${i}`;
  }
  return last;
}

/**
 * k1 and its microblock m1: the faucet funds one fresh account per weight (the weight plus `spare`)
 * and each bonds its weight as an infrastructure stake (role 3), so W(a) = weight.
 */
function stakers(h: ChainHarness, faucet: Signer, weights: readonly bigint[], spare = 10n * ALTO): Signer[] {
  const signers = weights.map((_, i) => new Signer(new Uint8Array(32).fill(0x40 + i)));
  h.key('k1', 'g', 1);
  const funding = signers.map((s, i) => faucet.tx(pay(s.account, weights[i]! + spare)));
  const bonds = signers.map((s, i) => s.tx({ type: 6, role: 3, amount: weights[i]! }));
  if (h.micro('m1', 'k1', [...funding, ...bonds]) !== 'connected') throw new Error('m1 not connected');
  return signers;
}

/** The proposal-end index as (end, id) pairs, and the same pairs scanned from 0x0D. */
const indexed = (h: ChainHarness): string[] =>
  [...h.storage.read.proposalEnds.range()].map(({ key }) => Buffer.from(key).toString('hex'));
const scanned = (h: ChainHarness): string[] =>
  h.chain
    .state()
    .range(Uint8Array.of(PREFIX_PROPOSAL), Uint8Array.of(PREFIX_PROPOSAL + 1))
    .map(({ key, value }) => {
      const end = Buffer.alloc(8);
      end.writeBigUInt64BE(decodeProposal(value).end);
      return Buffer.concat([end, key.subarray(1)]).toString('hex');
    })
    .sort();

test('Proposal and Vote rule codes: each refused in a microblock, the tip unchanged', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> k4      m2 (c = 2): a proposes (end = 3)
  const h = harness(t);
  const faucet = new Signer(FAUCET_SEED);
  const [a] = stakers(h, faucet, [5n * ALTO]);
  const lone = new Signer(new Uint8Array(32).fill(0x99)); // funded, never staked: W = 0
  h.micro('m1b', 'm1', [faucet.tx(pay(lone.account, 10n * ALTO))]);
  h.key('k2', 'm1b', 2);
  const refuse = (name: string, parent: string, tx: Tx): string | undefined =>
    ruleCode(() => h.micro(name, parent, [tx]));
  t.equal(refuse('x1', 'k2', a!.tx(signal(1), false)), 'bad-voting-period', 'period 1 < MIN_VOTING_PERIOD');
  t.equal(refuse('x2', 'k2', a!.tx(signal(101), false)), 'bad-voting-period', 'period 101 > MAX');
  t.equal(refuse('x3', 'k2', a!.tx(change(0, 1n), false)), 'param-not-allowed', 'param 0');
  t.equal(refuse('x4', 'k2', a!.tx(change(13, 1n), false)), 'param-not-allowed', 'param 13');
  t.equal(refuse('x5', 'k2', a!.tx(change(4, 60_001n), false)), 'param-out-of-range', 'interval');
  t.equal(refuse('x6', 'k2', a!.tx(change(8, 501n), false)), 'param-out-of-range', 'one match rate');
  t.equal(refuse('x7', 'k2', a!.tx(change(1, ALTO - 1n), false)), 'param-out-of-range', 'MIN_STAKE');
  t.equal(refuse('x8', 'k2', lone.tx(signal(), false)), 'not-staker', 'a proposer with W = 0');
  // insufficient-funds counts fee + deposit: a staker with fee + deposit − 1 cannot propose.
  const poor = new Signer(new Uint8Array(32).fill(0x98));
  h.micro('m2a', 'k2', [faucet.tx(pay(poor.account, ALTO + FEE + FEE + DEPOSIT - 1n))]);
  h.micro('m2b', 'm2a', [poor.tx({ type: 6, role: 3, amount: ALTO })]);
  t.equal(balanceOf(h, poor.account), FEE + DEPOSIT - 1n);
  t.equal(refuse('x9', 'm2b', poor.tx(signal(), false)), 'insufficient-funds', 'fee + deposit − 1');
  const proposal = a!.tx(signal(2));
  const id = txId(proposal);
  t.equal(h.micro('m2', 'm2b', [proposal]), 'connected');
  t.equal(h.chain.state().proposal(id)?.end, 3n, 'end = c + voting_period − 1');
  t.equal(h.chain.state().proposal(id)?.deposit, DEPOSIT);
  t.equal(supplyParts(h.chain.state()).escrow, DEPOSIT, 'the deposit is in escrow');
  t.equal(refuse('y1', 'm2', lone.tx(vote(id, YES), false)), 'not-staker', 'a voter with W = 0');
  t.equal(refuse('y2', 'm2', a!.tx(vote(new Uint8Array(32).fill(7), YES), false)), 'unknown-proposal');
  h.key('k3', 'm2', 3);
  t.equal(h.micro('m3', 'k3', [a!.tx(vote(id, YES))]), 'connected', 'c = end: still open');
  h.key('k4', 'm3', 4);
  t.equal(refuse('y3', 'k4', a!.tx(vote(id, NO), false)), 'voting-closed', 'c = end + 1');
  t.equal(h.tipName(), 'k4');
  // bad-proposal-kind and bad-choice are decoder codes (test/protocol/tx.test.ts).
});

test('tally: quorum exactly at 20% of B passes, one base unit short misses; pass needs yes > 2/3 of yes+no; a re-vote replaces the earlier choice', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> m3b -> k4       six proposals at c = 2 (end 3), votes at c = 3, tally at 4
  // Weights (B = 10 ALTO): a 2, b 2 − 1 unit, c 1, d 3 + 1 unit, e 2.
  const h = harness(t);
  const faucet = new Signer(FAUCET_SEED);
  const [a, b, c, d, e] = stakers(h, faucet, [
    2n * ALTO,
    2n * ALTO - 1n,
    ALTO,
    3n * ALTO + 1n,
    2n * ALTO,
  ]) as [Signer, Signer, Signer, Signer, Signer];
  const B = 10n * ALTO;
  h.key('k2', 'm1', 2);
  const txs = {
    quorumExact: a.tx(signal(2, 'quorum exactly')),
    quorumShort: a.tx(signal(2, 'quorum short')),
    twoThirds: a.tx(signal(2, 'exactly 2/3')),
    aboveTwoThirds: a.tx(signal(2, 'just above 2/3')),
    abstainOnly: a.tx(signal(2, 'abstain only')),
    nobody: a.tx(signal(2, 'no votes')),
  };
  const id = Object.fromEntries(Object.entries(txs).map(([k, tx]) => [k, txId(tx)])) as Record<
    keyof typeof txs,
    Uint8Array
  >;
  h.micro('m2', 'k2', Object.values(txs));
  t.equal(supplyParts(h.chain.state()).escrow, 6n * DEPOSIT);
  h.key('k3', 'm2', 3);
  h.micro('m3', 'k3', [
    a.tx(vote(id.quorumExact, YES)), // 2 ALTO = 20% of B
    b.tx(vote(id.quorumShort, YES)), // 2 ALTO − 1
    a.tx(vote(id.twoThirds, YES)), // yes 2 : no 1
    c.tx(vote(id.twoThirds, NO)),
    a.tx(vote(id.aboveTwoThirds, YES)), // yes 4 : no 2 − 1, after e's re-vote
    e.tx(vote(id.aboveTwoThirds, NO)),
    b.tx(vote(id.aboveTwoThirds, NO)),
    d.tx(vote(id.abstainOnly, ABSTAIN)),
  ]);
  h.micro('m3b', 'm3', [e.tx(vote(id.aboveTwoThirds, YES))]);
  t.equal(h.chain.state().vote(id.aboveTwoThirds, e.account), YES, 'the re-vote replaced the choice');
  t.same(
    tallySoFar(h.chain.state(), id.aboveTwoThirds, REGTEST),
    { yes: 4n * ALTO, no: 2n * ALTO - 1n, abstain: 0n, quorum: true, passed: true },
    'the tally so far (what the API shows of an open proposal)',
  );
  t.equal(h.chain.state().proposal(id.quorumExact)?.status, PROPOSAL_OPEN, 'open until end + 1');
  const proposerBefore = balanceOf(h, a.account);
  const reserveBefore = balanceOf(h, RESERVE_ACCOUNT);
  h.key('k4', 'm3b', 4);
  const state = h.chain.state();
  const result = (p: Uint8Array) => {
    const r = state.proposal(p)!;
    return { status: r.status, yes: r.yes, no: r.no, abstain: r.abstain };
  };
  t.same(result(id.quorumExact), { status: PROPOSAL_PASSED, yes: 2n * ALTO, no: 0n, abstain: 0n });
  t.same(result(id.quorumShort), { status: PROPOSAL_NO_QUORUM, yes: 2n * ALTO - 1n, no: 0n, abstain: 0n });
  t.same(result(id.twoThirds), { status: PROPOSAL_REJECTED, yes: 2n * ALTO, no: ALTO, abstain: 0n });
  t.same(result(id.aboveTwoThirds), {
    status: PROPOSAL_PASSED,
    yes: 4n * ALTO,
    no: 2n * ALTO - 1n,
    abstain: 0n,
  });
  t.same(result(id.abstainOnly), { status: PROPOSAL_REJECTED, yes: 0n, no: 0n, abstain: 3n * ALTO + 1n });
  t.same(result(id.nobody), { status: PROPOSAL_NO_QUORUM, yes: 0n, no: 0n, abstain: 0n });
  // The arithmetic of the boundaries, as §8.2 writes it.
  t.ok(2n * ALTO * 10_000n >= 2000n * B && (2n * ALTO - 1n) * 10_000n < 2000n * B);
  // Quorum met (4 proposals): deposit back to a at once; missed (2): to the reserve.
  t.equal(balanceOf(h, a.account), proposerBefore + 4n * DEPOSIT, 'four deposits refunded');
  t.equal(balanceOf(h, RESERVE_ACCOUNT), reserveBefore + 2n * DEPOSIT, 'two forfeited to the reserve');
  t.equal(supplyParts(state).escrow, 0n, 'nothing left in escrow');
  for (const s of [a, b, c, d, e]) t.equal(state.lastVotedEnd(s.account), 3n, 'every voter: last_voted_end');
});

test('a passed parameter change is scheduled at end + 1 + PARAM_CHANGE_DELAY; a later id for the same parameter replaces it (status 6)', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> k4      m2: two changes of param 4 and one of param 5, end 3
  const h = harness(t);
  const faucet = new Signer(FAUCET_SEED);
  const [a] = stakers(h, faucet, [5n * ALTO]) as [Signer];
  h.key('k2', 'm1', 2);
  const first = a.tx(change(4, 1000n));
  const second = a.tx(change(4, 2000n));
  const other = a.tx(change(5, 40n));
  h.micro('m2', 'k2', [first, second, other]);
  h.key('k3', 'm2', 3);
  const ids = [first, second, other].map(txId);
  h.micro(
    'm3',
    'k3',
    ids.map((p) => a.tx(vote(p, YES))),
  );
  h.key('k4', 'm3', 4);
  const state = h.chain.state();
  const apply = 4n + BigInt(REGTEST.governance.paramChangeDelay);
  const [low, high] = Buffer.compare(Buffer.from(ids[0]!), Buffer.from(ids[1]!)) < 0 ? [0, 1] : [1, 0];
  t.equal(state.proposal(ids[low]!)?.status, PROPOSAL_REPLACED, 'the lower id, tallied first, is replaced');
  t.equal(state.proposal(ids[high]!)?.status, PROPOSAL_PASSED);
  t.same(state.scheduled(apply, 4), { proposalId: ids[high], value: high === 0 ? 1000n : 2000n });
  t.same(state.scheduled(apply, 5), { proposalId: ids[2], value: 40n });
  t.equal(state.scheduled(apply - 1n, 4), undefined);
});

test('voting rewards: floor(R·W/B) per voter in the window, non-voters and non-stakers nothing, the reserve keeps the remainder', async (t) => {
  //   k1 m1: stakers v (3), w (5), x (7 + 1 unit), n (11, never votes), z (2, votes then unstakes all)
  //   k2 m2: v proposes P1 (period 9, end 10), P2 (period 10, end 11); the faucet funds the reserve
  //   k3 m3: v, x, z vote on P1; w votes on P2 and bonds 2 more as a validator (W(w) = 5 + 2 over two roles);
  //          z unstakes all
  //   settlements at c = 11, 21, 31 (REWARD_PERIOD 10); the window at 31 starts at 31 − 20 = 11
  const h = harness(t);
  const faucet = new Signer(FAUCET_SEED);
  const [v, w, x, n, z] = stakers(h, faucet, [
    3n * ALTO,
    5n * ALTO,
    7n * ALTO + 1n,
    11n * ALTO,
    2n * ALTO,
  ]) as [Signer, Signer, Signer, Signer, Signer];
  h.key('k2', 'm1', 2);
  const p1 = v.tx(signal(9, 'P1'));
  const p2 = v.tx(signal(10, 'P2'));
  const funding = 1000n * ALTO + 7n; // a plain Transfer to the reserve (§8.1 direct transfers)
  h.micro('m2', 'k2', [p1, p2, faucet.tx(pay(RESERVE_ACCOUNT, funding))]);
  h.key('k3', 'm2', 3);
  h.micro('m3', 'k3', [
    v.tx(vote(txId(p1), YES)),
    x.tx(vote(txId(p1), NO)),
    z.tx(vote(txId(p1), YES)),
    w.tx(vote(txId(p2), ABSTAIN)),
    w.tx({ type: 6, role: 1, amount: 2n * ALTO }),
    z.tx({ type: 7, role: 3, amount: 2n * ALTO }),
  ]);
  const weights = new Map<Signer, bigint>([
    [v, 3n * ALTO],
    [w, 7n * ALTO],
    [x, 7n * ALTO + 1n],
    [n, 11n * ALTO],
  ]);
  const B = [...weights.values()].reduce((sum, weight) => sum + weight, 0n);
  const expectReward = (c: bigint, voters: readonly Signer[]): void => {
    // §8.4 written out: R and B from the state after K_{c−1}.
    const R = balanceOf(h, RESERVE_ACCOUNT);
    h.key(`k${c}`, h.tipName(), Number(c));
    let paid = 0n;
    for (const s of [v, w, x, n, z]) {
      const stored = h.chain.state().get(pendingKey(c + 2n, s.account, c, KIND_VOTING_REWARD));
      const amount = stored === undefined ? 0n : decodePending(stored).amount;
      const expected = voters.includes(s) ? (R * weights.get(s)!) / B : 0n;
      t.equal(amount, expected, `c = ${c}: kind 10 of ${s.seed[0]!.toString(16)}`);
      if (stored !== undefined) t.equal(decodePending(stored).mint, false, 'a transfer, not a mint');
      paid += amount;
    }
    t.ok(paid > 0n, `c = ${c}: something is paid`);
    t.equal(balanceOf(h, RESERVE_ACCOUNT), R - paid, `c = ${c}: the reserve keeps exactly R − Σ`);
  };
  keys(h, 'k', 4, 10, 'm3');
  t.equal(h.chain.state().lastVotedEnd(v.account), undefined, 'P1 is tallied at 11, after the settlement');
  // At c = 11 no tally has run yet: settlement (step 1) reads last_voted_end before step 2.
  const R11 = balanceOf(h, RESERVE_ACCOUNT);
  t.equal(R11, funding, 'the reserve holds the transfer; both proposals still escrowed');
  h.key('k11', 'k10', 11);
  t.equal(balanceOf(h, RESERVE_ACCOUNT), R11, 'no voter yet: nothing paid at 11');
  t.equal(h.chain.state().lastVotedEnd(v.account), 10n, 'P1 tallied at 11');
  keys(h, 'k', 12, 20, 'k11');
  t.equal(h.chain.state().lastVotedEnd(w.account), 11n);
  t.equal(h.chain.state().lastVotedEnd(z.account), 10n, 'z voted, then unstaked: W = 0');
  expectReward(21n, [v, w, x]);
  keys(h, 'k', 22, 30, 'k21');
  // At 31 the window starts at 11: w (end 11) is in, v and x (end 10) are out.
  expectReward(31n, [w]);
});

test('a reorg across a tally and a settlement paying voting rewards ends in the digest of a chain that saw only the winning branch', async (t) => {
  //   g -> k1 -> m1 -> k2 -> m2 -> k3 -> m3 -> k4 … k12          m3: a and b vote yes (passed)
  //                               \-> c3 -> n3 -> c4 … c13*      n3: both vote no, b unstakes; a proposes q
  //                                                               (end 4) and votes yes: q exists only here
  const h = harness(t);
  const faucet = new Signer(FAUCET_SEED);
  const [a, b] = stakers(h, faucet, [2n * ALTO, 3n * ALTO]) as [Signer, Signer];
  h.key('k2', 'm1', 2);
  const p = a.tx(change(4, 1000n));
  h.micro('m2', 'k2', [p, faucet.tx(pay(RESERVE_ACCOUNT, 99n * ALTO + 3n))]);
  const id = txId(p);
  const [aNonce, bNonce] = [a.nonce, b.nonce];
  h.key('k3', 'm2', 3);
  h.micro('m3', 'k3', [a.tx(vote(id, YES)), b.tx(vote(id, YES))]);
  keys(h, 'k', 4, 12, 'm3');
  t.equal(h.chain.state().proposal(id)?.status, PROPOSAL_APPLIED, 'passed at 4, applied at 6');
  t.equal(h.chain.state().param(4), 1000n, 'MIN_MICROBLOCK_INTERVAL in force');
  const reserveMain = balanceOf(h, RESERVE_ACCOUNT);
  t.ok(reserveMain < 99n * ALTO + 3n, 'voting rewards were paid at 11');
  a.nonce = aNonce;
  b.nonce = bNonce;
  h.key('c3', 'm2', 0xc3);
  const side = [a.tx(vote(id, NO)), b.tx(vote(id, NO)), b.tx({ type: 7, role: 3, amount: 3n * ALTO })];
  const q = a.tx(signal(2, 'q, on the side branch only'));
  h.micro('n3', 'c3', [...side, q, a.tx(vote(txId(q), YES))]);
  for (let i = 4; i <= 13; i++) h.key(`c${i}`, i === 4 ? 'n3' : `c${i - 1}`, 0xc0 + i);
  t.equal(h.tipName(), 'c13', 'the longer branch wins');
  const state = h.chain.state();
  t.equal(state.proposal(id)?.status, PROPOSAL_REJECTED, "n3's votes, not m3's");
  t.equal(state.proposal(txId(q))?.status, PROPOSAL_PASSED, 'q, connected in the reorg, was tallied at 5');
  t.same(indexed(h), scanned(h), 'the proposal-end index holds exactly the proposals of the state');
  t.equal(state.scheduled(4n + BigInt(REGTEST.governance.paramChangeDelay), 4), undefined, 'not scheduled');
  t.equal(state.param(4), undefined, 'nor applied: the interval is back at its starting value');
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['k1', 'm1', 'k2', 'm2', 'c3', 'n3', ...Array.from({ length: 10 }, (_, i) => `c${i + 4}`)]);
  t.equal(h.digest(), fresh.digest());
  // Back to the first branch, past c13.
  keys(h, 'k', 13, 14, 'k12');
  t.equal(h.tipName(), 'k14');
  t.equal(h.chain.state().proposal(id)?.status, PROPOSAL_APPLIED);
  t.equal(h.chain.state().param(4), 1000n);
  t.equal(h.chain.state().proposal(txId(q)), undefined, 'q is gone');
  t.same(indexed(h), scanned(h), 'and q left the index');
  const back = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  back.replay(h, ['k1', 'm1', 'k2', 'm2', 'k3', 'm3', ...Array.from({ length: 11 }, (_, i) => `k${i + 4}`)]);
  t.equal(h.digest(), back.digest());
});
