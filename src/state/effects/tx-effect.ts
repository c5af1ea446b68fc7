// A transaction type's state effect (PROTOCOL.md §4.2–§4.12): what it does
// beyond §4.1's common effects (fee into the epoch accumulator, nonce + 1, the
// debit), into the overlay of the block being applied. Its rules have passed.
import type { BlockTxContext } from '../../consensus/tx/index.js';
import type { NetworkParams } from '../../protocol/params.js';
import type { PayloadOf, Tx, TxType } from '../../protocol/tx.js';
import type { OverlayState } from '../view.js';

export type TxEffect<T extends TxType> = (
  view: OverlayState,
  tx: Tx & { readonly payload: PayloadOf<T> },
  context: BlockTxContext,
  params: NetworkParams,
) => void;
