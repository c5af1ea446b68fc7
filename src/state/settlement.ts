// Settlement of reward period p at KeyConnect(c), c = (p+1)·REWARD_PERIOD + 1
// (PROTOCOL.md §6.4, §6.5; step 1 of §3.8). Inputs — pools, stake weights, the
// period's support and counted seconds, identities, splits and the governed
// match rates — are read once, from the state after K.prev, before any step
// of KeyConnect runs (§3.8's one snapshot), so no step's writes change
// another's result.
//
// The steps, in §6.5's order:
//  1. musicians and listeners (§7.3) and
//  2. apps (§7.3) are paid a match of what eligible listeners paid, routed by
//     their counted seconds (settlement-music.ts, consensus/song-value.ts);
//  3. the infrastructure pool, pro rata to w(a, 3);
//  4. the validator pool, pro rata to w(a, 1);
//  5. voting rewards (§8.4): the reserve's balance R, split pro rata to W
//     over all bonded weight B, paid to the accounts with W > 0 whose
//     last_voted_end ≥ c − GOVERNANCE_WINDOW as pending transfers (kind 10);
//     the reserve's balance drops by exactly what is paid, the rest stays.
// Steps 3–4 give each recipient floor(pool·weight/Σweight) as a pending
// credit maturing through §3.10; nothing when Σweight = 0; dust and unpaid
// pools are never minted (pools are unminted counters, and clearing them mints
// nothing). Then the period counters 0x08–0x0A and the pools are cleared,
// play_floor rises to max(play_floor, K.time − PLAY_REPORT_WINDOW), and the
// intervals (0x0B) with end ≤ play_floor and serials (0x0C) with
// start_s < play_floor are pruned. settlePeriod returns what it paid, for the
// period's record outside the digest (settlement-record.ts).
import type { SongValueResult } from '../consensus/song-value.js';
import type { Counters } from '../consensus/state-view.js';
import type { NetworkParams } from '../protocol/params.js';
import { RESERVE_ACCOUNT } from '../protocol/address.js';
import { fromHex } from '../util/bytes.js';
import {
  KIND_INFRASTRUCTURE,
  KIND_VALIDATOR_POOL,
  KIND_VOTING_REWARD,
  ROLE_INFRASTRUCTURE,
  ROLE_VALIDATOR,
} from './entries.js';
import { addPending } from './pending.js';
import { PREFIX_INTERVAL, PREFIX_SERIAL, decodeU64 } from './play-entries.js';
import { leadingU64, settleMusic, type MusicSnapshot } from './settlement-music.js';
import { summedWeights, weightsByRole, type Weighted } from './stake.js';
import type { OverlayState } from './view.js';

/** What settlement reads: the snapshot of §3.8. */
export interface SettlementInputs {
  readonly counters: Counters;
  readonly infrastructure: readonly Weighted[];
  readonly validators: readonly Weighted[];
  /** The reserve's balance R (§8.4). */
  readonly reserve: bigint;
  /** B = Σ W over all accounts (§8.4). */
  readonly bondedWeight: bigint;
  /** Every account with W > 0, in account order, with its W and last_voted_end (undefined: never). */
  readonly stakers: readonly (Weighted & { readonly lastVotedEnd: bigint | undefined })[];
}

/** Whether KeyConnect(c) settles a period: c > 1 and (c − 1) mod REWARD_PERIOD = 0 (§3.8 step 1). */
export function isSettlementHeight(c: bigint, params: NetworkParams): boolean {
  return c > 1n && (c - 1n) % BigInt(params.rewardPeriod) === 0n;
}

/** Reads the inputs from `view`, which must be the state after K.prev (§3.8). */
export function settlementInputs(view: OverlayState, params: NetworkParams): SettlementInputs {
  const weights = weightsByRole(view, params);
  const total = summedWeights(weights);
  return {
    counters: view.counters(),
    infrastructure: weights[ROLE_INFRASTRUCTURE],
    validators: weights[ROLE_VALIDATOR],
    reserve: view.account(RESERVE_ACCOUNT)?.balance ?? 0n,
    bondedWeight: total.total,
    stakers: total.weights.map((w) => ({ ...w, lastVotedEnd: view.lastVotedEnd(w.account) })),
  };
}

/** floor(pool·weight/Σweight) for each weighted account; nothing when Σweight = 0 (§6.5). */
export function proRata(pool: bigint, weighted: readonly Weighted[]): Weighted[] {
  const total = weighted.reduce((sum, w) => sum + w.weight, 0n);
  if (total === 0n) return [];
  return weighted.map(({ account, weight }) => ({ account, weight: (pool * weight) / total }));
}

/** One credit settlement made: kind 5 names the song it came from (§7.3). */
export interface SettlementCredit {
  readonly account: Uint8Array;
  readonly kind: number;
  readonly amount: bigint;
  readonly song?: Uint8Array;
}

/** What one settlement did: the music pools' outcome (steps 1–2) and every credit of steps 1–5. */
export interface PeriodSettlement {
  /** The period settled, p = (c − 1)/REWARD_PERIOD − 1. */
  readonly period: bigint;
  readonly height: bigint;
  /** The pools of the snapshot. */
  readonly pools: Pick<Counters, 'musicians' | 'listeners' | 'apps' | 'infrastructure' | 'validators'>;
  readonly music: SongValueResult;
  /** The reserve's balance R that step 5 shared out (§8.4). */
  readonly reserve: bigint;
  /** Every credit, in the order paid: kinds 5, 6, 7 (steps 1–2), then 8, 9, 10. */
  readonly credits: readonly SettlementCredit[];
}

/** The period KeyConnect(c) settles: (c − 1)/REWARD_PERIOD − 1. */
export function settledPeriod(c: bigint, params: NetworkParams): bigint {
  return (c - 1n) / BigInt(params.rewardPeriod) - 1n;
}

/**
 * Settles the period that ends at c − 1 (§6.5): pays steps 1–5, clears the period counters and the
 * pools, raises play_floor and prunes intervals and serials below it.
 */
export function settlePeriod(
  view: OverlayState,
  inputs: SettlementInputs,
  music: MusicSnapshot,
  block: { readonly height: bigint; readonly time: number },
  params: NetworkParams,
): PeriodSettlement {
  const c = block.height;
  const pools = inputs.counters;
  const credits: SettlementCredit[] = [];
  const pay = (account: Uint8Array, kind: number, amount: bigint): void => {
    addPending(view, params, account, c, kind, amount);
    if (amount !== 0n) credits.push({ account, kind, amount });
  };
  // Steps 1 and 2 (kinds 5, 6, 7); the period counters 0x08–0x0A are cleared.
  const result = settleMusic(view, music, c, params);
  for (const credit of result.credits)
    credits.push({
      account: fromHex(credit.account),
      kind: credit.kind,
      amount: credit.amount,
      ...(credit.song === undefined ? {} : { song: fromHex(credit.song) }),
    });
  // Step 3: infrastructure stakers (kind 8).
  for (const { account, weight } of proRata(pools.infrastructure, inputs.infrastructure))
    pay(account, KIND_INFRASTRUCTURE, weight);
  // Step 4: validator stakers (kind 9): the validator shares of bootstrap epochs (§5.5).
  for (const { account, weight } of proRata(pools.validators, inputs.validators))
    pay(account, KIND_VALIDATOR_POOL, weight);
  // Step 5: voting rewards (kind 10) from the reserve.
  payVotingRewards(view, inputs, c, params, pay);
  // Pools cleared; what was not paid is never minted. play_floor := max(play_floor, K.time − window).
  const counters = view.counters();
  const floor = BigInt(Math.max(0, block.time - params.playReportWindowS));
  const playFloor = counters.playFloor > floor ? counters.playFloor : floor;
  view.setCounters({
    ...counters,
    musicians: 0n,
    listeners: 0n,
    apps: 0n,
    infrastructure: 0n,
    validators: 0n,
    playFloor,
  });
  prunePlays(view, playFloor);
  return {
    period: settledPeriod(c, params),
    height: c,
    pools: {
      musicians: pools.musicians,
      listeners: pools.listeners,
      apps: pools.apps,
      infrastructure: pools.infrastructure,
      validators: pools.validators,
    },
    music: result,
    reserve: inputs.reserve,
    credits,
  };
}

/**
 * §6.5: intervals (0x0B) with end ≤ play_floor and serials (0x0C) with start_s < play_floor are pruned.
 * Both are keyed by listener first, so each is one scan of its prefix.
 */
function prunePlays(view: OverlayState, playFloor: bigint): void {
  view.deleteRead(
    prefixRange(view, PREFIX_INTERVAL).filter(
      ({ value }) => leadingU64(value, 8, (v) => decodeU64(v, 'interval end')) <= playFloor,
    ),
  );
  view.deleteRead(
    prefixRange(view, PREFIX_SERIAL).filter(
      ({ value }) => leadingU64(value, 8, (v) => decodeU64(v, 'start_s')) < playFloor,
    ),
  );
}

function prefixRange(view: OverlayState, prefix: number): { key: Uint8Array; value: Uint8Array }[] {
  return view.range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1));
}

/** The voters §8.4 pays at `c`, each with floor(R·W/B): W > 0 and last_voted_end ≥ c − GOVERNANCE_WINDOW. */
export function votingRewards(inputs: SettlementInputs, c: bigint, params: NetworkParams): Weighted[] {
  if (inputs.bondedWeight === 0n) return [];
  const since = c - BigInt(params.governance.governanceWindow);
  return inputs.stakers
    .filter((s) => s.lastVotedEnd !== undefined && s.lastVotedEnd >= since)
    .map(({ account, weight }) => ({ account, weight: (inputs.reserve * weight) / inputs.bondedWeight }));
}

/** §8.4: pays each voter's share as a pending transfer; the reserve's balance drops by exactly their sum. */
function payVotingRewards(
  view: OverlayState,
  inputs: SettlementInputs,
  c: bigint,
  params: NetworkParams,
  pay: (account: Uint8Array, kind: number, amount: bigint) => void,
): void {
  let paid = 0n;
  for (const { account, weight: amount } of votingRewards(inputs, c, params)) {
    pay(account, KIND_VOTING_REWARD, amount);
    paid += amount;
  }
  if (paid === 0n) return;
  const reserve = view.account(RESERVE_ACCOUNT)!;
  view.setAccount(RESERVE_ACCOUNT, { balance: reserve.balance - paid, nonce: reserve.nonce });
}
