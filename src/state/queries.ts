// Reads the API serves that no consensus rule needs.
import { baseSubsidy, cumulativeBase, genesisAllocation, scheduledSubsidy } from '../consensus/rewards.js';
import type { NetworkParams } from '../protocol/params.js';
import { PREFIX_PENDING, decodePending, decodePendingKey } from './entries.js';
import { ROLES } from './entries.js';
import {
  PREFIX_PROPOSAL,
  PROPOSAL_OPEN,
  decodeProposal,
  proposalEndAndStatus,
} from './governance-entries.js';
import { bondedOf, unbondingTotal } from './stake.js';
import type { OverlayState } from './view.js';
import { equalBytes } from '../util/bytes.js';

const PENDING_START = Uint8Array.of(PREFIX_PENDING);
const PENDING_END = Uint8Array.of(PREFIX_PENDING + 1);

/** The sum of an account's pending (unmatured) credits (§3.10). A scan, but pending entries are few. */
export function unmaturedOf(view: OverlayState, account: Uint8Array): bigint {
  let total = 0n;
  for (const { key, value } of view.range(PENDING_START, PENDING_END)) {
    if (equalBytes(decodePendingKey(key).account, account)) total += decodePending(value).amount;
  }
  return total;
}

export interface PendingTotals {
  /** Entries with the mint flag: new coins once they mature, not yet counted in `minted`. */
  readonly mint: bigint;
  /** Entries moving coins already minted (kinds 2, 3, 10, 12): part of §6.1's `minted − burned`. */
  readonly transfer: bigint;
}

/**
 * Every pending credit (§3.10, 0x0F) summed by its stored mint flag, not by its kind: the flag is
 * what step 4 of §3.8 reads when it decides whether a credit counts as minted.
 */
export function pendingTotals(view: Pick<OverlayState, 'range'>): PendingTotals {
  let mint = 0n;
  let transfer = 0n;
  for (const { value } of view.range(PENDING_START, PENDING_END)) {
    const pending = decodePending(value);
    if (pending.mint) mint += pending.amount;
    else transfer += pending.amount;
  }
  return { mint, transfer };
}

/**
 * Escrowed deposits (§6.1): the deposits of open proposals (status 0, decision 159), which the tally
 * refunds or forfeits to the reserve. A scan of 0x0D reading each record's fixed-size tail.
 */
export function escrowTotal(view: Pick<OverlayState, 'range'>): bigint {
  let total = 0n;
  for (const { value } of view.range(Uint8Array.of(PREFIX_PROPOSAL), Uint8Array.of(PREFIX_PROPOSAL + 1))) {
    if (proposalEndAndStatus(value).status === PROPOSAL_OPEN) total += decodeProposal(value).deposit;
  }
  return total;
}

export interface StakeTotals {
  /** Σ bonded over every (account, role), weightless bonds included (0x04). */
  readonly bonded: bigint;
  /** Σ of every unbonding entry (0x05). */
  readonly unbonding: bigint;
}

/** The stake §6.1's invariant counts: locked coins that are no one's balance. */
export function stakeTotals(view: OverlayState): StakeTotals {
  return {
    bonded: ROLES.reduce((sum, role) => sum + bondedOf(view, role), 0n),
    unbonding: unbondingTotal(view),
  };
}

/**
 * G + Σ_{1≤j≤height} sched(j) (§6.2) without visiting each height. The clamp lets sched follow base
 * until the room CAP − G runs out, so the running sum of sched is the running sum of base cut at
 * that room; cumulativeBase sums era by era (at most 64 steps).
 */
export function scheduledSupply(height: bigint, params: NetworkParams): bigint {
  const allocation = genesisAllocation(params);
  const room = params.cap > allocation ? params.cap - allocation : 0n;
  const bases = cumulativeBase(height + 1n, params);
  return allocation + (bases < room ? bases : room);
}

export interface SubsidySchedule {
  /** The next key height, the one the amounts below are for. */
  readonly height: bigint;
  /** base(height): the halving schedule alone. */
  readonly base: bigint;
  /** sched(height): base(height) clamped by what is left under the cap. */
  readonly next: bigint;
  readonly halvingInterval: number;
  /** The first key height ≥ `height` where base halves (1 + k·HALVING_INTERVAL); null once base is 0. */
  readonly nextHalvingHeight: bigint | null;
  /** The genesis allocation G (§1.3). */
  readonly allocation: bigint;
  /** G + Σ sched over every height: the most that can ever be minted (≤ CAP unless G alone passes it). */
  readonly scheduledTotal: bigint;
}

/** The §6.2 schedule as seen from a tip at `tipHeight`. */
export function subsidySchedule(tipHeight: bigint, params: NetworkParams): SubsidySchedule {
  const height = tipHeight + 1n;
  const interval = BigInt(params.halvingInterval);
  const base = baseSubsidy(height, params);
  // base(h) halves at h = 1 + k·interval, k ≥ 1: the first such h ≥ height has k = ⌈(height − 1) / interval⌉.
  const k = (height - 1n + interval - 1n) / interval;
  const nextHalving = (k > 1n ? k : 1n) * interval + 1n;
  return {
    height,
    base,
    next: scheduledSubsidy(height, params),
    halvingInterval: params.halvingInterval,
    nextHalvingHeight: base === 0n ? null : nextHalving,
    allocation: genesisAllocation(params),
    scheduledTotal: scheduledSupply(64n * interval, params),
  };
}
