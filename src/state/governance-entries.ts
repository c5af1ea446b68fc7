// Keys and values of the governance entries (PROTOCOL.md §9.1): 0x0D
// proposals, 0x0E votes, 0x11 last_voted_end, 0x13 parameters in force and
// 0x14 scheduled changes. Keys are big-endian so byte order is numeric order
// (0x14 sorts by apply height, then param id: the order changes apply in).
import type { Proposal, ProposalStatus, ScheduledChange, VoteChoice } from '../consensus/state-view.js';
import { Reader, Writer } from '../protocol/codec.js';

export {
  PROPOSAL_APPLIED,
  PROPOSAL_NO_QUORUM,
  PROPOSAL_OPEN,
  PROPOSAL_PASSED,
  PROPOSAL_REJECTED,
  PROPOSAL_REPLACED,
  PROPOSAL_SKIPPED,
  PROPOSAL_STATUS_NAMES,
} from '../consensus/state-view.js';
export type { Proposal, ProposalStatus, ScheduledChange, VoteChoice } from '../consensus/state-view.js';

export const PREFIX_PROPOSAL = 0x0d;
export const PREFIX_VOTE = 0x0e;
export const PREFIX_LAST_VOTED = 0x11;
export const PREFIX_PARAM = 0x13;
export const PREFIX_SCHEDULED = 0x14;

const PROPOSAL_TEXT_MAX = 1024;

function keyOf(prefix: number, length: number, fill: (view: DataView, key: Uint8Array) => void): Uint8Array {
  const key = new Uint8Array(1 + length);
  key[0] = prefix;
  fill(new DataView(key.buffer), key);
  return key;
}

/** 0x0D ‖ proposal_id. */
export function proposalKey(id: Uint8Array): Uint8Array {
  return keyOf(PREFIX_PROPOSAL, 32, (_, key) => {
    key.set(id, 1);
  });
}

export function encodeProposal(p: Proposal): Uint8Array {
  return new Writer()
    .fixed(p.proposer, 20)
    .u8(p.kind)
    .string(p.text, PROPOSAL_TEXT_MAX)
    .u16(p.paramId)
    .u128(p.value)
    .u128(p.deposit)
    .u64(p.end)
    .u8(p.status)
    .u128(p.yes)
    .u128(p.no)
    .u128(p.abstain)
    .finish();
}

export function decodeProposal(bytes: Uint8Array): Proposal {
  const r = new Reader(bytes);
  const proposal: Proposal = {
    proposer: r.fixed(20, 'proposer'),
    kind: r.flag([0, 1], 'kind') as 0 | 1,
    text: r.string(PROPOSAL_TEXT_MAX, 'text'),
    paramId: r.u16('param_id'),
    value: r.u128('value'),
    deposit: r.u128('deposit'),
    end: r.u64('end'),
    status: r.flag([0, 1, 2, 3, 4, 5, 6], 'status') as ProposalStatus,
    yes: r.u128('yes'),
    no: r.u128('no'),
    abstain: r.u128('abstain'),
  };
  r.end('proposal');
  return proposal;
}

/** A 0x0D value's tail after `end`: status u8 and yes, no, abstain u128 (§9.1). */
const PROPOSAL_TAIL = 1 + 3 * 16;

/**
 * `end` and `status` of an encoded 0x0D value, read from its fixed-size tail without decoding the
 * text: what the tally's scan for windows ending at c−1 needs of every proposal (decision 158).
 */
export function proposalEndAndStatus(bytes: Uint8Array): { readonly end: bigint; readonly status: number } {
  const at = bytes.length - PROPOSAL_TAIL - 8;
  if (at < 0) throw new RangeError('a 0x0D value shorter than its fixed fields');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { end: view.getBigUint64(at, true), status: bytes[at + 8]! };
}

/** 0x0E ‖ proposal_id ‖ voter: one proposal's votes are one range. */
export function voteKey(proposalId: Uint8Array, voter: Uint8Array): Uint8Array {
  return keyOf(PREFIX_VOTE, 52, (_, key) => {
    key.set(proposalId, 1);
    key.set(voter, 33);
  });
}

/** Every vote on `proposalId`: from 0x0E ‖ id to a key one byte longer than any of them. */
export function votesRange(proposalId: Uint8Array): { start: Uint8Array; end: Uint8Array } {
  const start = keyOf(PREFIX_VOTE, 32, (_, key) => {
    key.set(proposalId, 1);
  });
  const end = keyOf(PREFIX_VOTE, 53, (_, key) => {
    key.set(proposalId, 1);
    key.fill(0xff, 33);
  });
  return { start, end };
}

export function decodeVoteKey(key: Uint8Array): {
  readonly proposalId: Uint8Array;
  readonly voter: Uint8Array;
} {
  return { proposalId: key.slice(1, 33), voter: key.slice(33, 53) };
}

export function encodeVote(choice: VoteChoice): Uint8Array {
  return Uint8Array.of(choice);
}

export function decodeVote(bytes: Uint8Array): VoteChoice {
  const r = new Reader(bytes);
  const choice = r.flag([1, 2, 3], 'choice') as VoteChoice;
  r.end('vote');
  return choice;
}

/** 0x11 ‖ account. */
export function lastVotedKey(account: Uint8Array): Uint8Array {
  return keyOf(PREFIX_LAST_VOTED, 20, (_, key) => {
    key.set(account, 1);
  });
}

export function encodeLastVoted(end: bigint): Uint8Array {
  return new Writer().u64(end).finish();
}

export function decodeLastVoted(bytes: Uint8Array): bigint {
  const r = new Reader(bytes);
  const end = r.u64('last_voted_end');
  r.end('last_voted_end');
  return end;
}

/** 0x13 ‖ param_id u16 BE. */
export function paramKey(paramId: number): Uint8Array {
  return keyOf(PREFIX_PARAM, 2, (view) => {
    view.setUint16(1, paramId);
  });
}

export function encodeParam(value: bigint): Uint8Array {
  return new Writer().u128(value).finish();
}

export function decodeParam(bytes: Uint8Array): bigint {
  const r = new Reader(bytes);
  const value = r.u128('value');
  r.end('param');
  return value;
}

/** 0x14 ‖ apply_height u64 BE ‖ param_id u16 BE. */
export function scheduledKey(applyHeight: bigint, paramId: number): Uint8Array {
  return keyOf(PREFIX_SCHEDULED, 10, (view) => {
    view.setBigUint64(1, applyHeight);
    view.setUint16(9, paramId);
  });
}

/** Every change scheduled for `applyHeight`, in ascending param_id. */
export function scheduledRange(applyHeight: bigint): { start: Uint8Array; end: Uint8Array } {
  return { start: scheduledKey(applyHeight, 0), end: scheduledKey(applyHeight + 1n, 0) };
}

export function decodeScheduledKey(key: Uint8Array): {
  readonly applyHeight: bigint;
  readonly paramId: number;
} {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return { applyHeight: view.getBigUint64(1), paramId: view.getUint16(9) };
}

export function encodeScheduled(change: ScheduledChange): Uint8Array {
  return new Writer().fixed(change.proposalId, 32).u128(change.value).finish();
}

export function decodeScheduled(bytes: Uint8Array): ScheduledChange {
  const r = new Reader(bytes);
  const change = { proposalId: r.fixed(32, 'proposal_id'), value: r.u128('value') };
  r.end('scheduled change');
  return change;
}
