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

export interface StateView {
  account(id: Uint8Array): Account | undefined;
  counters(): Counters;
}
