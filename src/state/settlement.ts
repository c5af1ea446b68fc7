// Settlement of reward period p at KeyConnect(c), c = (p+1)·REWARD_PERIOD + 1
// (PROTOCOL.md §6.4, §6.5; step 1 of §3.8). Inputs — pools and stake weights —
// are read once, from the state after K.prev, before any step of KeyConnect
// runs (§3.8's one snapshot), so no step's writes change another's result.
//
// The steps, in §6.5's order:
//  1. musicians and listeners (§7.3) and
//  2. apps (§7.3) pay only a match of what listeners paid, routed by counted
//     plays; Donate and Subscribe add support (0x0A) but no PlayReport can
//     apply yet, so no listener has counted seconds, none is eligible
//     (§7.1) and these pay nothing: their pools are cleared unminted, as
//     §7.3 says of the undistributed part.
//  3. the infrastructure pool, pro rata to w(a, 3);
//  4. the validator pool, pro rata to w(a, 1);
//  5. voting rewards (§8.4): the reserve's balance R, split pro rata to W
//     over all bonded weight B, paid to the accounts with W > 0 whose
//     last_voted_end ≥ c − GOVERNANCE_WINDOW as pending transfers (kind 10);
//     the reserve's balance drops by exactly what is paid, the rest stays.
// Each recipient gets floor(pool·weight/Σweight) as a pending credit maturing
// through §3.10; nothing when Σweight = 0; dust and unpaid pools are never
// minted (pools are unminted counters, and clearing them mints nothing).
import type { Counters } from '../consensus/state-view.js';
import type { NetworkParams } from '../protocol/params.js';
import { RESERVE_ACCOUNT } from '../protocol/address.js';
import {
  KIND_INFRASTRUCTURE,
  KIND_VALIDATOR_POOL,
  KIND_VOTING_REWARD,
  ROLE_INFRASTRUCTURE,
  ROLE_VALIDATOR,
} from './entries.js';
import { PREFIX_LISTENER_PERIOD } from './music-entries.js';
import { addPending } from './pending.js';
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

/** Settles the period that ends at c − 1: pays steps 3–4, clears the pools, raises play_floor (§6.5). */
export function settlePeriod(
  view: OverlayState,
  inputs: SettlementInputs,
  block: { readonly height: bigint; readonly time: number },
  params: NetworkParams,
): void {
  const c = block.height;
  const pools = inputs.counters;
  // Steps 1 and 2 pay nothing yet (see the header).
  // Step 3: infrastructure stakers (kind 8).
  for (const { account, weight } of proRata(pools.infrastructure, inputs.infrastructure)) {
    addPending(view, params, account, c, KIND_INFRASTRUCTURE, weight);
  }
  // Step 4: validator stakers (kind 9): the validator shares of bootstrap epochs (§5.5).
  for (const { account, weight } of proRata(pools.validators, inputs.validators)) {
    addPending(view, params, account, c, KIND_VALIDATOR_POOL, weight);
  }
  // Step 5: voting rewards (kind 10) from the reserve.
  payVotingRewards(view, inputs, c, params);
  // Pools cleared; what was not paid is never minted. play_floor := max(play_floor, K.time − window).
  // The period counters are cleared: 0x0A (support) here; 0x08, 0x09 and the pruning of
  // intervals and serials come with PlayReport.
  clearListenerPeriods(view);
  const counters = view.counters();
  const floor = BigInt(Math.max(0, block.time - params.playReportWindowS));
  view.setCounters({
    ...counters,
    musicians: 0n,
    listeners: 0n,
    apps: 0n,
    infrastructure: 0n,
    validators: 0n,
    playFloor: counters.playFloor > floor ? counters.playFloor : floor,
  });
}

/** Deletes every 0x0A entry: support counts in the period it is paid (§4.6, §6.5). */
function clearListenerPeriods(view: OverlayState): void {
  const prefix = PREFIX_LISTENER_PERIOD;
  for (const { key } of view.range(Uint8Array.of(prefix), Uint8Array.of(prefix + 1)))
    view.set(key, undefined);
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
): void {
  let paid = 0n;
  for (const { account, weight: amount } of votingRewards(inputs, c, params)) {
    addPending(view, params, account, c, KIND_VOTING_REWARD, amount);
    paid += amount;
  }
  if (paid === 0n) return;
  const reserve = view.account(RESERVE_ACCOUNT)!;
  view.setAccount(RESERVE_ACCOUNT, { balance: reserve.balance - paid, nonce: reserve.nonce });
}
