// State effects (PROTOCOL.md §4.1): a transaction debits its fee into the
// epoch's fee accumulator and its type's debit from the sender, bumps the
// sender's nonce, then applies its type's effect (state/effects/), all into
// the overlay of the block being applied.
import { checkTxContext, txDebit, type BlockTxContext } from '../consensus/tx-rules.js';
import { RESERVE_ACCOUNT, accountId } from '../protocol/address.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx } from '../protocol/tx.js';
import { effectOf } from './effects/index.js';
import type { OverlayState } from './view.js';
import { fromHex } from '../util/bytes.js';

export function applyTx(view: OverlayState, tx: Tx, context: BlockTxContext, params: NetworkParams): void {
  checkTxContext(tx, view, context, params);
  const sender = accountId(tx.sender);
  const from = view.account(sender)!;
  view.setAccount(sender, { balance: from.balance - tx.fee - txDebit(tx, params), nonce: from.nonce + 1n });
  const counters = view.counters();
  view.setCounters({ ...counters, fees: counters.fees + tx.fee });
  effectOf(tx)(view, tx, context, params);
}

/** The genesis state (§1.3, §9.1): allocations credited and counted as minted; the reserve account and the counters exist. */
export function applyGenesis(view: OverlayState, params: NetworkParams): void {
  let minted = 0n;
  for (const allocation of params.genesis.allocations) {
    const id = fromHex(allocation.account);
    view.setAccount(id, { balance: allocation.amount, nonce: 0n });
    minted += allocation.amount;
  }
  if (view.account(RESERVE_ACCOUNT) === undefined)
    view.setAccount(RESERVE_ACCOUNT, { balance: 0n, nonce: 0n });
  view.setCounters({ ...view.counters(), minted });
}
