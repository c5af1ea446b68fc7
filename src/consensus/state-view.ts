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

export interface StateView {
  account(id: Uint8Array): Account | undefined;
  counters(): Counters;
  epoch(keyHeight: bigint): EpochRecord | undefined;
}
