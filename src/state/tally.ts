// Step 2a of KeyConnect (PROTOCOL.md §3.8, §8.2): tally the proposals whose
// voting window ended at c−1, in ascending proposal id — quorum and pass by
// stake weight W, the deposit refunded or forfeited to the reserve, each
// voter's last_voted_end, the result stored in 0x0D, and a passed parameter
// change scheduled in 0x14 (§8.3).
//
// W and B are read here, after step 1: settlement writes only pending
// credits (0x0F), the counters (0x10) and the reserve's balance, none of
// which W reads, so this is §3.8's snapshot of the state after K.prev.
// Proposals ending at c−1 come from the proposal-end index a Chain keeps
// beside the state (state/proposal-ends.ts, decision 158); a state without
// one (built by hand in a test) is scanned, which finds the same ids.
import {
  PROPOSAL_NO_QUORUM,
  PROPOSAL_OPEN,
  PROPOSAL_PASSED,
  PROPOSAL_REJECTED,
  PROPOSAL_REPLACED,
  type Proposal,
  type ProposalStatus,
} from '../consensus/state-view.js';
import { RESERVE_ACCOUNT } from '../protocol/address.js';
import type { NetworkParams } from '../protocol/params.js';
import {
  PREFIX_PROPOSAL,
  decodeVote,
  decodeVoteKey,
  proposalEndAndStatus,
  votesRange,
} from './governance-entries.js';
import type { ProposalEnds } from './proposal-ends.js';
import { accountWeights } from './stake.js';
import type { OverlayState } from './view.js';
import { toHex } from '../util/bytes.js';

const PROPOSALS_START = Uint8Array.of(PREFIX_PROPOSAL);
const PROPOSALS_END = Uint8Array.of(PREFIX_PROPOSAL + 1);

/** Quorum: 20% of all bonded weight (§8.2), in basis points. */
export const QUORUM_BP = 2000n;
const BP = 10_000n;

export interface TallyResult {
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
  readonly quorum: boolean;
  readonly passed: boolean;
}

/** §8.2's arithmetic: quorum (Y+No+Ab)·10000 ≥ 2000·B; pass when quorum and 3Y > 2(Y+No). */
export function tallyOutcome(yes: bigint, no: bigint, abstain: bigint, bonded: bigint): TallyResult {
  const quorum = (yes + no + abstain) * BP >= QUORUM_BP * bonded;
  return { yes, no, abstain, quorum, passed: quorum && 3n * yes > 2n * (yes + no) };
}

/** The ids of open proposals whose window ends at `end`, in ascending id, by a scan of every 0x0D entry. */
export function proposalsEndingAt(view: OverlayState, end: bigint): Uint8Array[] {
  const ids: Uint8Array[] = [];
  for (const { key, value } of view.range(PROPOSALS_START, PROPOSALS_END)) {
    const tail = proposalEndAndStatus(value);
    if (tail.end === end && tail.status === PROPOSAL_OPEN) ids.push(key.slice(1));
  }
  return ids;
}

function credit(view: OverlayState, account: Uint8Array, amount: bigint): void {
  const current = view.account(account) ?? { balance: 0n, nonce: 0n };
  view.setAccount(account, { balance: current.balance + amount, nonce: current.nonce });
}

/** Open proposals ending at `end` in ascending id: the index's candidates, each checked against 0x0D. */
function openEndingAt(view: OverlayState, end: bigint, ends: ProposalEnds | undefined): Uint8Array[] {
  if (ends === undefined) return proposalsEndingAt(view, end);
  return ends.endingAt(end).filter((id) => {
    const proposal = view.proposal(id);
    return proposal !== undefined && proposal.end === end && proposal.status === PROPOSAL_OPEN;
  });
}

export function tallyProposals(
  view: OverlayState,
  c: bigint,
  params: NetworkParams,
  ends?: ProposalEnds,
): void {
  const end = c - 1n;
  const ids = openEndingAt(view, end, ends);
  if (ids.length === 0) return;
  const { weights, total: bonded } = accountWeights(view, params);
  const weightOf = new Map(weights.map((w) => [toHex(w.account), w.weight]));
  const applyHeight = c + BigInt(params.governance.paramChangeDelay);
  for (const id of ids) {
    const proposal = view.proposal(id)!;
    const result = countVotes(view, id, weightOf, bonded, (voter) => {
      // Every voter, weighted or not, voted in this window (§8.2); §8.4 pays only W > 0.
      view.setLastVotedEnd(voter, end);
    });
    credit(view, result.quorum ? proposal.proposer : RESERVE_ACCOUNT, proposal.deposit);
    const status: ProposalStatus = result.passed
      ? PROPOSAL_PASSED
      : result.quorum
        ? PROPOSAL_REJECTED
        : PROPOSAL_NO_QUORUM;
    view.setProposal(id, { ...proposal, status, yes: result.yes, no: result.no, abstain: result.abstain });
    if (status === PROPOSAL_PASSED && proposal.kind === 1) schedule(view, applyHeight, id, proposal);
  }
}

/** Each side's Σ W over the votes on `id` (0x0E), and §8.2's outcome against `bonded`. */
function countVotes(
  view: OverlayState,
  id: Uint8Array,
  weightOf: ReadonlyMap<string, bigint>,
  bonded: bigint,
  eachVoter: (voter: Uint8Array) => void = () => undefined,
): TallyResult {
  const sides = { 1: 0n, 2: 0n, 3: 0n };
  const { start, end } = votesRange(id);
  for (const { key, value } of view.range(start, end)) {
    const { voter } = decodeVoteKey(key);
    sides[decodeVote(value)] += weightOf.get(toHex(voter)) ?? 0n;
    eachVoter(voter);
  }
  return tallyOutcome(sides[1], sides[2], sides[3], bonded);
}

/**
 * The tally of proposal `id` if its window closed on `view`'s state: the votes so far weighed with
 * today's W and B (the API's "tally so far"; the stored result of a closed proposal is in 0x0D).
 */
export function tallySoFar(view: OverlayState, id: Uint8Array, params: NetworkParams): TallyResult {
  const { weights, total } = accountWeights(view, params);
  return countVotes(view, id, new Map(weights.map((w) => [toHex(w.account), w.weight])), total);
}

/** §8.3: a passed change waits at (apply_height, param_id); one already there (a lower id) is replaced. */
function schedule(view: OverlayState, applyHeight: bigint, id: Uint8Array, proposal: Proposal): void {
  const earlier = view.scheduled(applyHeight, proposal.paramId);
  if (earlier !== undefined) {
    const replaced = view.proposal(earlier.proposalId);
    if (replaced !== undefined)
      view.setProposal(earlier.proposalId, { ...replaced, status: PROPOSAL_REPLACED });
  }
  view.setScheduled(applyHeight, proposal.paramId, { proposalId: id, value: proposal.value });
}
