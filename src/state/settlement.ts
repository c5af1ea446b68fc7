// Settlement of reward period p at KeyConnect(c), c = (p+1)·REWARD_PERIOD + 1
// (PROTOCOL.md §6.4, §6.5; step 1 of §3.8). Inputs — pools and stake weights —
// are read once, from the state after K.prev, before any step of KeyConnect
// runs (§3.8's one snapshot), so no step's writes change another's result.
//
// The steps, in §6.5's order:
//  1. musicians and listeners (§7.3) and
//  2. apps (§7.3) pay only a match of what listeners paid, routed by counted
//     plays; no Donate, Subscribe or PlayReport can apply yet (the music
//     economy has not landed), so support and plays are 0 and these pay
//     nothing: their pools are cleared unminted, as §7.3 says of the
//     undistributed part.
//  3. the infrastructure pool, pro rata to w(a, 3);
//  4. the validator pool, pro rata to w(a, 1);
//  5. voting rewards (§8.4) pay only accounts that voted within
//     GOVERNANCE_WINDOW; no Vote can apply yet (governance has not landed), so
//     no account has a last_voted_end and nothing is paid from the reserve.
// Each recipient gets floor(pool·weight/Σweight) as a pending credit maturing
// through §3.10; nothing when Σweight = 0; dust and unpaid pools are never
// minted (pools are unminted counters, and clearing them mints nothing).
import type { Counters } from '../consensus/state-view.js';
import type { NetworkParams } from '../protocol/params.js';
import { KIND_INFRASTRUCTURE, KIND_VALIDATOR_POOL, ROLE_INFRASTRUCTURE, ROLE_VALIDATOR } from './entries.js';
import { addPending } from './pending.js';
import { weightsByRole, type Weighted } from './stake.js';
import type { OverlayState } from './view.js';

/** What settlement reads: the snapshot of §3.8. */
export interface SettlementInputs {
  readonly counters: Counters;
  readonly infrastructure: readonly Weighted[];
  readonly validators: readonly Weighted[];
}

/** Whether KeyConnect(c) settles a period: c > 1 and (c − 1) mod REWARD_PERIOD = 0 (§3.8 step 1). */
export function isSettlementHeight(c: bigint, params: NetworkParams): boolean {
  return c > 1n && (c - 1n) % BigInt(params.rewardPeriod) === 0n;
}

/** Reads the inputs from `view`, which must be the state after K.prev (§3.8). */
export function settlementInputs(view: OverlayState, params: NetworkParams): SettlementInputs {
  const weights = weightsByRole(view, params);
  return {
    counters: view.counters(),
    infrastructure: weights[ROLE_INFRASTRUCTURE],
    validators: weights[ROLE_VALIDATOR],
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
  // Steps 1, 2 and 5 pay nothing yet (see the header).
  // Step 3: infrastructure stakers (kind 8).
  for (const { account, weight } of proRata(pools.infrastructure, inputs.infrastructure)) {
    addPending(view, params, account, c, KIND_INFRASTRUCTURE, weight);
  }
  // Step 4: validator stakers (kind 9): the validator shares of bootstrap epochs (§5.5).
  for (const { account, weight } of proRata(pools.validators, inputs.validators)) {
    addPending(view, params, account, c, KIND_VALIDATOR_POOL, weight);
  }
  // Pools cleared; what was not paid is never minted. play_floor := max(play_floor, K.time − window).
  // The period counters (0x08–0x0A) and the pruning of intervals and serials come with PlayReport.
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
