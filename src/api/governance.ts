// What the governance routes read of the state (PROTOCOL.md §8, §9.1 0x0D,
// 0x0E, 0x11, 0x13, 0x14): proposals in a stable order, one proposal's votes
// weighted by each voter's current W, the tally an open proposal would get if
// it were tallied now, the scheduled changes, and the voting reward the next
// settlement would pay. Reads only: nothing here is stored, and the rules
// (state/tally.ts, settlement) are not called, so an answer never writes.
import type { NetworkParams } from '../protocol/params.js';
import {
  PREFIX_PROPOSAL,
  PREFIX_SCHEDULED,
  PROPOSAL_NO_QUORUM,
  PROPOSAL_OPEN,
  PROPOSAL_PASSED,
  decodeScheduled,
  decodeScheduledKey,
  decodeVote,
  decodeVoteKey,
  votesRange,
  type Proposal,
  type VoteChoice,
} from '../state/governance-entries.js';
import { KIND_VOTING_REWARD, PREFIX_PENDING, decodePending, decodePendingKey } from '../state/entries.js';
import { accountWeights } from '../state/stake.js';
import { settlementInputs, votingRewards } from '../state/settlement.js';
import { tallySoFar } from '../state/tally.js';
import type { OverlayState } from '../state/view.js';
import { toHex } from '../util/bytes.js';

/** 0x0D's value ends in end u64, status u8, yes, no, abstain u128 (§9.1, little-endian §2.1): the tail's length. */
const TAIL_END = 8 + 1 + 3 * 16;

export interface ProposalRef {
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly end: bigint;
  readonly status: number;
  /** The stored value, decoded only for the proposals a page shows. */
  readonly value: Uint8Array;
}

/**
 * Every proposal in the state, newest window first: `end` descending, then id descending. Only
 * each value's fixed-size tail is read to sort (the text before it has a variable length).
 */
export function proposalsByEnd(view: OverlayState): ProposalRef[] {
  const all = view
    .range(Uint8Array.of(PREFIX_PROPOSAL), Uint8Array.of(PREFIX_PROPOSAL + 1))
    .map(({ key, value }): ProposalRef => {
      const tail = new DataView(value.buffer, value.byteOffset + value.byteLength - TAIL_END, TAIL_END);
      const id = key.slice(1, 33);
      return { id, idHex: toHex(id), end: tail.getBigUint64(0, true), status: tail.getUint8(8), value };
    });
  return all.sort((a, b) =>
    a.end !== b.end ? (a.end > b.end ? -1 : 1) : a.idHex < b.idHex ? 1 : a.idHex > b.idHex ? -1 : 0,
  );
}

export interface GovernanceWeights {
  /** W(a), 0 for an account without weight. */
  readonly of: (account: Uint8Array) => bigint;
  /** B = Σ W over all accounts (§8.2). */
  readonly total: bigint;
}

/** W(a) (§4.7) of every account with weight, from one scan of the bonds (the tally's accountWeights). */
export function governanceWeights(view: OverlayState, params: NetworkParams): GovernanceWeights {
  const { weights, total } = accountWeights(view, params);
  const byAccount = new Map(weights.map((w) => [toHex(w.account), w.weight]));
  return { of: (account) => byAccount.get(toHex(account)) ?? 0n, total };
}

export interface WeightedVote {
  readonly voter: Uint8Array;
  readonly choice: VoteChoice;
  readonly weight: bigint;
}

/** The votes on `id` in voter order, from the first voter after `after` (exclusive), at most `limit`. */
export function votesOf(
  view: OverlayState,
  id: Uint8Array,
  weightOf: (account: Uint8Array) => bigint,
  limit = Number.MAX_SAFE_INTEGER,
  after?: Uint8Array,
): { readonly votes: WeightedVote[]; readonly more: boolean } {
  const range = votesRange(id);
  let start = range.start;
  if (after !== undefined) {
    // The key one past `after`'s: its vote key with a 0x00 appended.
    start = new Uint8Array(1 + 32 + 20 + 1);
    start.set(range.start, 0);
    start.set(after, 33);
  }
  const votes: WeightedVote[] = [];
  for (const { key, value } of view.range(start, range.end)) {
    if (votes.length === limit) return { votes, more: true };
    const { voter } = decodeVoteKey(key);
    votes.push({ voter, choice: decodeVote(value), weight: weightOf(voter) });
  }
  return { votes, more: false };
}

export interface TallyView {
  /** False: counted now from the votes with current weights; true: as stored at the tally (§8.2). */
  readonly tallied: boolean;
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
  readonly votes: number;
  /** B now for an open proposal; null once tallied (B at the tally is not stored). */
  readonly bondedWeight: bigint | null;
  readonly quorum: boolean;
  readonly pass: boolean;
}

/**
 * A proposal's tally: the stored one once tallied (quorum and pass read from its status), else
 * §8.2's sums over its votes with each voter's current W, quorum and pass as they would stand if
 * the proposal were tallied on the current state.
 */
export function tallyOf(
  view: OverlayState,
  id: Uint8Array,
  proposal: Proposal,
  params: NetworkParams,
): TallyView {
  const weights = governanceWeights(view, params);
  const { votes } = votesOf(view, id, weights.of);
  if (proposal.status !== PROPOSAL_OPEN) {
    return {
      tallied: true,
      yes: proposal.yes,
      no: proposal.no,
      abstain: proposal.abstain,
      votes: votes.length,
      bondedWeight: null,
      quorum: proposal.status !== PROPOSAL_NO_QUORUM,
      pass: proposal.status >= PROPOSAL_PASSED,
    };
  }
  // The tally's own count (state/tally.ts), on today's W and B: what it would store if it ran now.
  const now = tallySoFar(view, id, params);
  return {
    tallied: false,
    yes: now.yes,
    no: now.no,
    abstain: now.abstain,
    votes: votes.length,
    bondedWeight: weights.total,
    quorum: now.quorum,
    pass: now.passed,
  };
}

export interface PendingChange {
  readonly applyHeight: bigint;
  readonly paramId: number;
  readonly proposalId: Uint8Array;
  readonly value: bigint;
}

/** Every scheduled change (0x14), in the order they apply: apply height, then param id. */
export function scheduledChanges(view: OverlayState): PendingChange[] {
  return view
    .range(Uint8Array.of(PREFIX_SCHEDULED), Uint8Array.of(PREFIX_SCHEDULED + 1))
    .map(({ key, value }) => ({ ...decodeScheduledKey(key), ...decodeScheduled(value) }));
}

/** The first settlement height after key height `tip`: c > 1 with (c − 1) mod REWARD_PERIOD = 0 (§3.8). */
export function nextSettlementHeight(tip: bigint, params: NetworkParams): bigint {
  const period = BigInt(params.rewardPeriod);
  if (tip < 1n) return period + 1n;
  return ((tip - 1n) / period + 1n) * period + 1n;
}

/**
 * What §8.4 would pay at settlement height `c` if the state did not change before it: settlement's
 * own inputs and voting-reward step (state/settlement.ts) run on the current state — R the reserve's
 * balance, B all bonded weight, each account with W > 0 and last_voted_end ≥ c − GOVERNANCE_WINDOW
 * getting floor(R·W/B).
 */
export function projectedVotingRewards(
  view: OverlayState,
  c: bigint,
  params: NetworkParams,
): {
  readonly reserve: bigint;
  readonly bondedWeight: bigint;
  readonly voters: number;
  readonly voterWeight: bigint;
  readonly total: bigint;
} {
  const inputs = settlementInputs(view, params);
  const rewards = votingRewards(inputs, c, params);
  const paid = new Set(rewards.map((r) => toHex(r.account)));
  return {
    reserve: inputs.reserve,
    bondedWeight: inputs.bondedWeight,
    voters: rewards.length,
    voterWeight: inputs.stakers.reduce((sum, s) => (paid.has(toHex(s.account)) ? sum + s.weight : sum), 0n),
    total: rewards.reduce((sum, r) => sum + r.weight, 0n),
  };
}

export interface Distribution {
  readonly sourceHeight: bigint;
  readonly maturity: bigint;
  readonly total: bigint;
  readonly recipients: number;
}

/**
 * The voting-reward distributions still pending in the state (0x0F kind 10, one per settlement
 * height), newest first: a settlement's credits stay there REWARD_MATURITY key blocks, then reach
 * the balances and leave 0x0F; older ones are in each recipient's GET /rewards (kind 10).
 */
export function pendingDistributions(view: OverlayState): Distribution[] {
  const bySource = new Map<bigint, { maturity: bigint; total: bigint; recipients: number }>();
  for (const { key, value } of view.range(Uint8Array.of(PREFIX_PENDING), Uint8Array.of(PREFIX_PENDING + 1))) {
    const { kind, sourceHeight, maturity } = decodePendingKey(key);
    if (kind !== KIND_VOTING_REWARD) continue;
    const entry = bySource.get(sourceHeight) ?? { maturity, total: 0n, recipients: 0 };
    entry.total += decodePending(value).amount;
    entry.recipients++;
    bySource.set(sourceHeight, entry);
  }
  return [...bySource.entries()]
    .sort(([a], [b]) => (a > b ? -1 : a < b ? 1 : 0))
    .map(([sourceHeight, d]) => ({ sourceHeight, ...d }));
}
