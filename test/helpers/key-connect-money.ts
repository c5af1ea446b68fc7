// Where a key block's KeyConnect may move the reserve's money and the matched
// pools (PROTOCOL.md §3.8, §6.5, §7.3, §8.2, §8.4), checked around one key
// block: read what the rules read from the parent state (beforeKeyConnect),
// add the block, then checkKeyConnect. Every expected amount is computed here
// from the parent state, not taken from the node's settlement code.
import {
  PARAM_MATCH_APPS,
  PARAM_MATCH_LISTENERS,
  PARAM_MATCH_MUSICIANS,
} from '../../src/consensus/governed-params.js';
import { ROLE_LISTENER } from '../../src/consensus/music.js';
import { PROPOSAL_NO_QUORUM, PROPOSAL_OPEN, type Counters } from '../../src/consensus/state-view.js';
import { RESERVE_ACCOUNT } from '../../src/protocol/address.js';
import { REGTEST } from '../../src/protocol/params.js';
import {
  KIND_APP,
  KIND_LISTENER,
  KIND_MUSICIAN,
  KIND_VOTING_REWARD,
  PREFIX_PENDING,
  decodePending,
  decodePendingKey,
} from '../../src/state/entries.js';
import type { OverlayState } from '../../src/state/view.js';
import { toHex } from '../../src/util/bytes.js';
import type { ChainHarness } from './chain-harness.js';

interface Credit {
  readonly account: Uint8Array;
  readonly kind: number;
  readonly amount: bigint;
}

/** What the checks need from the state after K.prev (§3.8's snapshot). */
export interface BeforeKeyConnect {
  /** The key height c of the block about to connect. */
  readonly c: bigint;
  readonly settles: boolean;
  readonly reserve: bigint;
  readonly pools: Counters;
  /** The match rates in force (§8.3), basis points. */
  readonly rates: { readonly musicians: bigint; readonly listeners: bigint; readonly apps: bigint };
  /** §8.4's voting rewards, `account-hex kind` → amount; empty unless c settles. */
  readonly votingRewards: ReadonlyMap<string, bigint>;
  /** The tracked proposals still open: a tally at c may forfeit their deposits. */
  readonly open: readonly Uint8Array[];
}

/** What a key block's KeyConnect did, for the caller's statistics. */
export interface KeyConnectMoney {
  readonly settled: boolean;
  /** Σ kinds 5–7 credited. */
  readonly matched: bigint;
  readonly votingRewards: bigint;
  readonly forfeited: bigint;
}

/** Sums credits of `kinds` per `account-hex kind`. */
export function perAccountKind(credits: Iterable<Credit>, kinds: readonly number[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const c of credits) {
    if (!kinds.includes(c.kind)) continue;
    const key = `${toHex(c.account)} ${c.kind}`;
    out.set(key, (out.get(key) ?? 0n) + c.amount);
  }
  return out;
}

/** Pending credits (0x0F) created by KeyConnect(`source`). */
function pendingFrom(view: OverlayState, source: bigint): Credit[] {
  const out: Credit[] = [];
  for (const { key, value } of view.range(Uint8Array.of(PREFIX_PENDING), Uint8Array.of(PREFIX_PENDING + 1))) {
    const k = decodePendingKey(key);
    if (k.sourceHeight === source)
      out.push({ account: k.account, kind: k.kind, amount: decodePending(value).amount });
  }
  return out;
}

/**
 * §8.4 from the state after K.prev: with R the reserve's balance and B = Σ W, each of `stakers` with
 * W > 0 and last_voted_end ≥ c − GOVERNANCE_WINDOW gets floor(R·W/B), W(a) = Σ_r bonded[a, r] over the
 * bonds at least the MIN_STAKE in force (§4.7). `stakers` must hold every account that ever staked.
 */
function votingRewards(view: OverlayState, c: bigint, stakers: readonly Uint8Array[]): Map<string, bigint> {
  const reserve = view.account(RESERVE_ACCOUNT)?.balance ?? 0n;
  const initial = [REGTEST.minStake.validator, REGTEST.minStake.app, REGTEST.minStake.infrastructure];
  // MIN_STAKE of role r is governed parameter r (§8.3).
  const minStake = (r: 1 | 2 | 3): bigint => view.param(r) ?? initial[r - 1]!;
  const weights = stakers.map((account) =>
    ([1, 2, 3] as const).reduce((sum, r) => {
      const bonded = view.bond(account, r)?.bonded ?? 0n;
      return sum + (bonded >= minStake(r) ? bonded : 0n);
    }, 0n),
  );
  const total = sum(weights);
  const since = c - BigInt(REGTEST.governance.governanceWindow);
  const out = new Map<string, bigint>();
  stakers.forEach((account, i) => {
    const w = weights[i]!;
    const voted = view.lastVotedEnd(account);
    if (w === 0n || voted === undefined || voted < since) return;
    const reward = (reserve * w) / total;
    if (reward > 0n) out.set(`${toHex(account)} ${KIND_VOTING_REWARD}`, reward);
  });
  return out;
}

const sum = (values: Iterable<bigint>): bigint => [...values].reduce((s, v) => s + v, 0n);

const show = (map: ReadonlyMap<string, bigint>): string =>
  [...map].map(([key, amount]) => `${key}: ${amount}`).join(', ');

function sameMap(a: ReadonlyMap<string, bigint>, b: ReadonlyMap<string, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/** Reads, from the tip, what KeyConnect of the next key block will read. */
export function beforeKeyConnect(
  h: ChainHarness,
  stakers: readonly Uint8Array[],
  proposals: readonly Uint8Array[],
): BeforeKeyConnect {
  const view = h.chain.state();
  const c = h.chain.tip.keyHeight + 1n;
  const period = BigInt(REGTEST.rewardPeriod);
  const settles = c > 1n && (c - 1n) % period === 0n;
  const rate = (id: number, initial: number): bigint => view.param(id) ?? BigInt(initial);
  return {
    c,
    settles,
    reserve: view.account(RESERVE_ACCOUNT)?.balance ?? 0n,
    pools: view.counters(),
    rates: {
      musicians: rate(PARAM_MATCH_MUSICIANS, REGTEST.music.matchMusiciansBp),
      listeners: rate(PARAM_MATCH_LISTENERS, REGTEST.music.matchListenersBp),
      apps: rate(PARAM_MATCH_APPS, REGTEST.music.matchAppsBp),
    },
    votingRewards: settles ? votingRewards(view, c, stakers) : new Map(),
    open: proposals.filter((id) => view.proposal(id)?.status === PROPOSAL_OPEN),
  };
}

/**
 * After key block `name` connected on top of the state `before` was read from, checks:
 *  - the reserve changed by exactly the deposits its tallies forfeited (§8.2) minus §8.4's voting
 *    rewards: settlement credits the reserve nothing and pays from it only voters;
 *  - off settlement heights, no credit of kinds 5–7 or 10 was created;
 *  - at a settlement, the period's record (h.chain.settlement) was written by this block with R, its
 *    voting rewards are §8.4's, and for each matched pool (§7.3): pool = the counter before the block,
 *    D = min(pool, floor(S·rate/10000)) with the rate in force, paid + undistributed + dust = pool with
 *    neither remainder negative (no credit beyond D), and the pending credits of the pool's kind sum per
 *    account to the record's, whose total is paid; a kind-5 credit goes to its song's owner or a split
 *    holder, a kind-6 credit to a listener.
 * Throws with the block's name on the first breach.
 */
export function checkKeyConnect(h: ChainHarness, name: string, before: BeforeKeyConnect): KeyConnectMoney {
  const after = h.chain.state();
  let forfeited = 0n;
  for (const id of before.open) {
    const p = after.proposal(id)!;
    if (p.status === PROPOSAL_NO_QUORUM) forfeited += p.deposit;
  }
  const reserve = after.account(RESERVE_ACCOUNT)?.balance ?? 0n;
  const voting = sum(before.votingRewards.values());
  if (reserve !== before.reserve + forfeited - voting) {
    throw new Error(
      `${name}: the reserve went ${before.reserve} → ${reserve}, not + ${forfeited} forfeited − ${voting} voting rewards`,
    );
  }
  const created = pendingFrom(after, before.c);
  const musicKinds = [KIND_MUSICIAN, KIND_LISTENER, KIND_APP];
  if (!before.settles) {
    const stray = created.find((p) => musicKinds.includes(p.kind) || p.kind === KIND_VOTING_REWARD);
    if (stray !== undefined) throw new Error(`${name}: a credit of kind ${stray.kind} outside settlement`);
    return { settled: false, matched: 0n, votingRewards: 0n, forfeited };
  }
  const period = (before.c - 1n) / BigInt(REGTEST.rewardPeriod) - 1n;
  const record = h.chain.settlement(period);
  if (
    record === undefined ||
    record.height !== before.c ||
    toHex(record.blockId) !== toHex(h.entry(name).id)
  ) {
    throw new Error(`${name}: no settlement record of period ${period} written by this block`);
  }
  if (record.reserve !== before.reserve) {
    throw new Error(`${name}: the record's R ${record.reserve} ≠ ${before.reserve}`);
  }
  const recorded = perAccountKind(record.credits, [KIND_VOTING_REWARD]);
  const pending = perAccountKind(created, [KIND_VOTING_REWARD]);
  if (!sameMap(recorded, before.votingRewards) || !sameMap(pending, before.votingRewards)) {
    throw new Error(
      `${name}: voting rewards recorded ${show(recorded)}, pending ${show(pending)}, not ${show(before.votingRewards)}`,
    );
  }
  const pools = [
    ['musicians', KIND_MUSICIAN, record.musicians, before.pools.musicians, before.rates.musicians],
    ['listeners', KIND_LISTENER, record.listeners, before.pools.listeners, before.rates.listeners],
    ['apps', KIND_APP, record.apps, before.pools.apps, before.rates.apps],
  ] as const;
  for (const [pool, kind, outcome, counter, bp] of pools) {
    const cap = (outcome.sum * bp) / 10_000n;
    const credits = sum(record.credits.filter((x) => x.kind === kind).map((x) => x.amount));
    const problems = [
      outcome.pool !== counter && `pool ${outcome.pool} ≠ the counter ${counter}`,
      record.pools[pool] !== counter && `record pools ${record.pools[pool]} ≠ ${counter}`,
      outcome.distributed !== (cap < counter ? cap : counter) &&
        `D ${outcome.distributed} ≠ min(${counter}, floor(${outcome.sum}·${bp}/10000))`,
      outcome.paid + outcome.undistributed + outcome.dust !== outcome.pool &&
        `paid ${outcome.paid} + undistributed ${outcome.undistributed} + dust ${outcome.dust} ≠ ${outcome.pool}`,
      (outcome.undistributed < 0n || outcome.dust < 0n) && 'a negative remainder',
      credits !== outcome.paid && `credits ${credits} ≠ paid ${outcome.paid}`,
      !sameMap(perAccountKind(created, [kind]), perAccountKind(record.credits, [kind])) &&
        'the pending credits differ from the record',
    ].filter((p) => p !== false);
    if (problems.length > 0) throw new Error(`${name} ${pool} pool: ${problems.join('; ')}`);
  }
  // Matched credits reach only the rights holders of their song (kind 5) and listeners (kind 6).
  for (const credit of record.credits) {
    const song = credit.song === undefined ? undefined : after.song(credit.song);
    const holder =
      song !== undefined &&
      [song.owner, ...song.splits.map((s) => s.account)].some((a) => toHex(a) === toHex(credit.account));
    const listener = ((after.identity(credit.account)?.roles ?? 0) & ROLE_LISTENER) !== 0;
    if ((credit.kind === KIND_MUSICIAN && !holder) || (credit.kind === KIND_LISTENER && !listener)) {
      throw new Error(
        `${name}: a kind ${credit.kind} credit to ${toHex(credit.account)}, not a holder or listener`,
      );
    }
  }
  return {
    settled: true,
    matched: record.musicians.paid + record.listeners.paid + record.apps.paid,
    votingRewards: voting,
    forfeited,
  };
}
