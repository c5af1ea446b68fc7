// What consensus rules may read of the state: a read-only view of
// PROTOCOL.md §9.1 entries as typed values. state/ implements it.

export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
}

/** The 0x10 record: pools, the epoch fee accumulator, minted and burned totals, play_floor. */
export interface Counters {
  readonly musicians: bigint;
  readonly listeners: bigint;
  readonly apps: bigint;
  readonly infrastructure: bigint;
  readonly validators: bigint;
  readonly fees: bigint;
  readonly minted: bigint;
  readonly burned: bigint;
  readonly playFloor: bigint;
}

/** The 0x12 record of an activated epoch. Activation: 0 endorsed, 1 bootstrap, 2 fallback. */
export interface EpochRecord {
  readonly keyBlockId: Uint8Array;
  readonly leaderKey: Uint8Array;
  readonly payout: Uint8Array;
  readonly activation: 0 | 1 | 2;
  readonly poisoned: boolean;
}

/** Stake roles (§4.7): 1 validator, 2 app, 3 infrastructure. */
export type StakeRole = 1 | 2 | 3;

/** A 0x04 bond. `lastEndorsed` (a key-block time, §5.4) is kept for validators only; 0 for other roles. */
export interface Bond {
  readonly bonded: bigint;
  readonly lastEndorsed: number;
}

/** A 0x06 app record: its name and service key (§4.7). */
export interface AppRecord {
  readonly name: string;
  readonly serviceKey: Uint8Array;
}

/** §9.1's proposal status codes. */
export const PROPOSAL_OPEN = 0;
export const PROPOSAL_NO_QUORUM = 1;
export const PROPOSAL_REJECTED = 2;
export const PROPOSAL_PASSED = 3;
export const PROPOSAL_APPLIED = 4;
export const PROPOSAL_SKIPPED = 5;
export const PROPOSAL_REPLACED = 6;
export type ProposalStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const PROPOSAL_STATUS_NAMES = [
  'open',
  'no-quorum',
  'rejected',
  'passed',
  'applied',
  'skipped',
  'replaced',
] as const;

/** Vote choices (§4.11). */
export type VoteChoice = 1 | 2 | 3;

/** A 0x0D record. A signal proposal (kind 0) has paramId 0 and value 0. */
export interface Proposal {
  readonly proposer: Uint8Array;
  readonly kind: 0 | 1;
  readonly text: string;
  readonly paramId: number;
  readonly value: bigint;
  readonly deposit: bigint;
  /** The last key height of the voting window [c, end]. */
  readonly end: bigint;
  readonly status: ProposalStatus;
  /** Summed W of each side, stored by the tally (§8.2); 0 while open. */
  readonly yes: bigint;
  readonly no: bigint;
  readonly abstain: bigint;
}

/** A 0x14 record: the passed proposal whose change applies, and the value. */
export interface ScheduledChange {
  readonly proposalId: Uint8Array;
  readonly value: bigint;
}

/** A 0x02 identity (§4.3): role bits 0x01 musician, 0x02 listener; reg_height as §4.3 sets it. */
export interface Identity {
  readonly roles: number;
  readonly displayName: string;
  readonly metadata: Uint8Array;
  readonly regHeight: bigint;
}

/** One holder of a song's royalty split (§4.4), in basis points. */
export interface SongSplit {
  readonly account: Uint8Array;
  readonly bp: number;
}

/** A 0x03 song (§4.4): owner = the registering musician; splits immutable. */
export interface Song {
  readonly owner: Uint8Array;
  readonly title: string;
  readonly metadata: Uint8Array;
  readonly durationS: number;
  readonly splits: readonly SongSplit[];
  readonly regHeight: bigint;
}

/** A 0x07 subscription of a listener to a musician (§4.6): active at x iff until ≥ x. */
export interface Subscription {
  readonly until: bigint;
  readonly totalPaid: bigint;
}

/** A 0x0A listener's totals for the current period (§4.9, §7.1). */
export interface ListenerPeriod {
  readonly seconds: bigint;
  readonly support: bigint;
}

export interface StateView {
  account(id: Uint8Array): Account | undefined;
  /** The bond of `account` in `role` (0x04); undefined when none is bonded. */
  bond(account: Uint8Array, role: StakeRole): Bond | undefined;
  counters(): Counters;
  epoch(keyHeight: bigint): EpochRecord | undefined;
  /** The 0x0D proposal with this id (its txid, §4.10). */
  proposal(id: Uint8Array): Proposal | undefined;
  /** The 0x02 identity of `account`, undefined if it never registered. */
  identity(account: Uint8Array): Identity | undefined;
  /** The 0x03 song with this id. */
  song(songId: Uint8Array): Song | undefined;
  /** The 0x13 value of a governed parameter, undefined while §12's initial value is in force. */
  param(paramId: number): bigint | undefined;
  /** The 0x06 record of an app account (§4.7): its name and service key. */
  app(account: Uint8Array): AppRecord | undefined;
  /** The start_s recorded with `listener`'s play `serial` (0x0C, §4.9), undefined if unseen. */
  serialStart(listener: Uint8Array, serial: bigint): bigint | undefined;
}
