// KeyConnect(K) at height c (PROTOCOL.md §3.8), the steps this node has so
// far: settle the period that just closed (step 1, state/settlement.ts),
// release unbonding stake and, for a fallback-activated K, unbond idle
// validators (step 3, state/stake.ts), credit matured entries (step 4), split
// the closed epoch's fees 40/60 (step 5, §3.7), pend the miner's share of the
// subsidy and fill the period pools (step 6, §6.3), store the epoch record
// (step 7), and governance: tallies and parameter changes (step 2,
// state/tally.ts and state/param-changes.ts).
import { ACTIVATION_FALLBACK } from '../consensus/activation.js';
import { scheduledSubsidy, splitLeaderFees, splitSubsidy } from '../consensus/rewards.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  KIND_LEADER_FEE,
  KIND_MINER,
  KIND_NEXT_LEADER_FEE,
  KIND_VALIDATOR_SLOT,
  decodePending,
  decodePendingKey,
  pendingRange,
} from './entries.js';
import { addPending } from './pending.js';
import { applyScheduledChanges } from './param-changes.js';
import type { ProposalEnds } from './proposal-ends.js';
import { isSettlementHeight, settlePeriod, settlementInputs, type PeriodSettlement } from './settlement.js';
import { readMusicSnapshot } from './settlement-music.js';
import { recordEndorsement, releaseUnbonding, unbondIdleValidators } from './stake.js';
import { tallyProposals } from './tally.js';
import type { OverlayState } from './view.js';

export { addPending } from './pending.js';

export interface ConnectingKeyBlock {
  readonly id: Uint8Array;
  readonly height: bigint;
  readonly leaderKey: Uint8Array;
  readonly payout: Uint8Array;
  /** Unix seconds of the key block's header: play_floor (§6.5) and idle validators (§5.4) are measured from it. */
  readonly time: number;
  /** 0 endorsed, 1 bootstrap, 2 fallback (§5.4). */
  readonly activation: 0 | 1 | 2;
  /** The validator of each endorsement included in M_{h,0} (endorsed key blocks only). */
  readonly endorsers: readonly Uint8Array[];
}

/**
 * `ends`: the proposal-end index beside the state (decision 158); without it the tally scans 0x0D.
 * Returns the settlement when c settles a period, for its record outside the digest.
 */
export function keyConnect(
  view: OverlayState,
  block: ConnectingKeyBlock,
  params: NetworkParams,
  ends?: ProposalEnds,
): PeriodSettlement | undefined {
  const c = block.height;
  // Step 1: settlement, its inputs read now, from the state after K.prev (§3.8's one snapshot).
  let settlement: PeriodSettlement | undefined;
  if (isSettlementHeight(c, params)) {
    const inputs = settlementInputs(view, params);
    const music = readMusicSnapshot(view, inputs.counters, c, params);
    settlement = settlePeriod(view, inputs, music, block, params);
  }
  // Step 2: governance — tallies of windows that ended at c−1, then the changes scheduled for c.
  tallyProposals(view, c, params, ends);
  applyScheduledChanges(view, c, params);
  // Step 3: unbonding released at c; a fallback activation also unbonds idle validators (§5.4).
  releaseUnbonding(view, c);
  if (block.activation === ACTIVATION_FALLBACK) unbondIdleValidators(view, block.time, c, params);
  // Step 4: pending entries maturing at c become balances; mint credits count as minted.
  const { start, end } = pendingRange(c);
  let minted = 0n;
  for (const { key, value } of view.range(start, end)) {
    const { account } = decodePendingKey(key);
    const { amount, mint } = decodePending(value);
    const current = view.account(account) ?? { balance: 0n, nonce: 0n };
    view.setAccount(account, { balance: current.balance + amount, nonce: current.nonce });
    if (mint) minted += amount;
    view.set(key, undefined);
  }
  const counters = view.counters();
  // Step 5: the fees of epoch c−1, 40% to its leader's payout, 60% to this block's.
  const previous = view.epoch(c - 1n);
  const fees = splitLeaderFees(counters.fees);
  if (previous !== undefined) addPending(view, params, previous.payout, c, KIND_LEADER_FEE, fees.leader);
  addPending(
    view,
    params,
    block.payout,
    c,
    KIND_NEXT_LEADER_FEE,
    previous === undefined ? counters.fees : fees.next,
  );
  // Step 6: the subsidy. An endorsed block pays floor(V/N) per included endorsement, the rest of V is
  // never minted; a bootstrap or fallback block's V goes to the period validator pool (§5.5).
  const split = splitSubsidy(scheduledSubsidy(c, params));
  addPending(view, params, block.payout, c, KIND_MINER, split.miner);
  const endorsed = block.activation === 0;
  const perSlot = split.validators / BigInt(params.poa.slots);
  for (const validator of block.endorsers)
    addPending(view, params, validator, c, KIND_VALIDATOR_SLOT, perSlot);
  // §5.4: each validator with an included endorsement is active as of K.time.
  for (const validator of block.endorsers) recordEndorsement(view, validator, block.time);
  view.setCounters({
    ...counters,
    fees: 0n,
    minted: counters.minted + minted,
    apps: counters.apps + split.apps,
    musicians: counters.musicians + split.musicians,
    listeners: counters.listeners + split.listeners,
    infrastructure: counters.infrastructure + split.infrastructure,
    validators: counters.validators + (endorsed ? 0n : split.validators),
  });
  // Step 7.
  view.setEpoch(c, {
    keyBlockId: block.id,
    leaderKey: block.leaderKey,
    payout: block.payout,
    activation: block.activation,
    poisoned: false,
  });
  return settlement;
}
