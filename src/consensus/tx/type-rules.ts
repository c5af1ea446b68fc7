// What each transaction type adds to the common rules of PROTOCOL.md §4.1, as
// one record per type (consensus/tx/index.ts gathers them): context-free
// payload rules, rules against the state, and what the type debits from its
// sender beyond the fee. Every type of §4.1 is active.
import type { NetworkParams } from '../../protocol/params.js';
import type { PayloadOf, Tx, TxType } from '../../protocol/tx.js';
import type { StateView } from '../state-view.js';

export interface TxContext {
  /** The containing key height c. */
  readonly keyHeight: bigint;
  /**
   * t = floor(time_ms / 1000) of the containing microblock (§4.1), which PlayReport's window
   * reads (§4.9). A block passes its own; the mempool and the leader's dry run pass the time the
   * next microblock would carry (decision 173).
   */
  readonly timeS: bigint;
}

/** What applying a transaction in a block needs beyond its rules: facts of the containing epoch. */
export interface BlockTxContext extends TxContext {
  /** K_c.time, the containing key block's time: a validator Stake sets last_endorsed to it (§4.7). */
  readonly keyTime: number;
}

export interface TxTypeRules<T extends TxType> {
  /** [REJECT] The payload's rules that need neither state nor time; `tx` for those that read its fee. */
  sanity(payload: PayloadOf<T>, params: NetworkParams, tx: Tx): void;
  /** [IGNORE] The payload's rules against the state, after §4.1's common ones passed. */
  context(
    tx: Tx & { readonly payload: PayloadOf<T> },
    view: StateView,
    context: TxContext,
    params: NetworkParams,
  ): void;
  /** What the sender pays beyond the fee; §4.1's `insufficient-funds` counts it. */
  debit(payload: PayloadOf<T>, params: NetworkParams): bigint;
}

export const noDebit = (): bigint => 0n;
export const noSanity = (): void => undefined;
