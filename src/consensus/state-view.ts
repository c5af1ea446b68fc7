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

export interface StateView {
  account(id: Uint8Array): Account | undefined;
  /** The bond of `account` in `role` (0x04); undefined when none is bonded. */
  bond(account: Uint8Array, role: StakeRole): Bond | undefined;
  counters(): Counters;
  epoch(keyHeight: bigint): EpochRecord | undefined;
}
