// One sender's pooled transactions, kept in nonce order, and the state a
// transaction of that sender will find once its pooled predecessors ran.
import type {
  Account,
  AppRecord,
  Bond,
  Counters,
  EpochRecord,
  Identity,
  Proposal,
  Song,
  StakeRole,
  StateView,
} from '../consensus/state-view.js';
import type { Tx } from '../protocol/tx.js';
import { NOT_IN_HEAP } from './heap.js';
import { lowerFeeRate, type FeeRate, type Ranked } from './policy.js';

/**
 * Where an accepted tx came from: 'local' through our API, 'gossip' from a
 * peer, 'reorg' back from a disconnected microblock. The node decides by it
 * what to publish.
 */
export type TxOrigin = 'local' | 'gossip' | 'reorg';

export interface MempoolEntry {
  readonly id: Uint8Array;
  readonly idHex: string;
  readonly tx: Tx;
  /** Encoded bytes. */
  readonly size: number;
  /** Unix ms. */
  readonly addedAt: number;
  /** Executable now: no nonce gap before it. Live: it changes as blocks connect. */
  readonly ready: boolean;
}

export class PoolEntry implements MempoolEntry, Ranked {
  ready = false;
  readonly rate: FeeRate;

  constructor(
    readonly id: Uint8Array,
    readonly idHex: string,
    readonly tx: Tx,
    readonly size: number,
    readonly addedAt: number,
    /** fee + what the tx debits beyond it. */
    readonly cost: bigint,
    readonly sender: SenderPool,
  ) {
    this.rate = { fee: tx.fee, size: BigInt(size) };
  }
}

export class SenderPool {
  /** Every pooled tx of the sender, by nonce; the ready ones are a prefix starting at the state nonce. */
  entries: PoolEntry[] = [];
  /** The state nonce the ready flags were computed against. */
  stateNonce: bigint;
  /** The lowest fee rate among the entries: the effective fee rate of the last one. */
  lowest: FeeRate = { fee: 0n, size: 1n };
  evictAt = NOT_IN_HEAP;
  headAt = NOT_IN_HEAP;

  constructor(
    readonly key: string,
    readonly account: Uint8Array,
    stateNonce: bigint,
  ) {
    this.stateNonce = stateNonce;
  }

  get tail(): PoolEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** The first entry, if it can be mined now. */
  get head(): PoolEntry | undefined {
    const first = this.entries[0];
    return first?.ready === true ? first : undefined;
  }

  /** The first nonce from `stateNonce` on that no pooled tx holds: what the sender sends next. */
  nextNonce(stateNonce: bigint): bigint {
    let next = stateNonce;
    for (const e of this.entries) {
      if (e.tx.nonce === next) next++;
      else if (e.tx.nonce > next) break;
    }
    return next;
  }

  find(nonce: bigint): PoolEntry | undefined {
    return this.entries.find((e) => e.tx.nonce === nonce);
  }

  insert(entry: PoolEntry): void {
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.tx.nonce > entry.tx.nonce) at--;
    this.entries.splice(at, 0, entry);
  }

  remove(entry: PoolEntry): void {
    const at = this.entries.indexOf(entry);
    if (at !== -1) this.entries.splice(at, 1);
  }

  recomputeLowest(): void {
    let lowest: FeeRate | undefined;
    for (const e of this.entries) lowest = lowest === undefined ? e.rate : lowerFeeRate(lowest, e.rate);
    this.lowest = lowest ?? { fee: 0n, size: 1n };
  }
}

/**
 * What a tx with `nonce` finds once the sender's pooled txs below it ran: their
 * costs debited and the nonce advanced to its own. With a nonce gap this is a
 * bound: the missing txs cost more. Below the state nonce it is the state (bad-nonce).
 */
export function projectedAccount(pooled: readonly PoolEntry[], state: Account, nonce: bigint): Account {
  if (nonce < state.nonce) return state;
  let balance = state.balance;
  for (const e of pooled) {
    if (e.tx.nonce >= nonce) break;
    if (e.tx.nonce >= state.nonce) balance -= e.cost;
  }
  return { nonce, balance };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `base`, except that `account` reads as `projected`. */
export function projectedView(
  base: StateView,
  account: Uint8Array,
  projected: Account | undefined,
): StateView {
  return {
    account: (id: Uint8Array): Account | undefined => (sameBytes(id, account) ? projected : base.account(id)),
    bond: (id: Uint8Array, role: StakeRole): Bond | undefined => base.bond(id, role),
    counters: (): Counters => base.counters(),
    epoch: (keyHeight: bigint): EpochRecord | undefined => base.epoch(keyHeight),
    proposal: (id: Uint8Array): Proposal | undefined => base.proposal(id),
    param: (paramId: number): bigint | undefined => base.param(paramId),
    identity: (id: Uint8Array): Identity | undefined => base.identity(id),
    song: (songId: Uint8Array): Song | undefined => base.song(songId),
    app: (id: Uint8Array): AppRecord | undefined => base.app(id),
    serialStart: (listener: Uint8Array, serial: bigint): bigint | undefined =>
      base.serialStart(listener, serial),
  };
}
