// State effects (PROTOCOL.md §4.1, §4.2): a transaction debits its fee into
// the epoch's fee accumulator, bumps the sender's nonce and applies its type's
// effect, all into the overlay of the block being applied.
import { checkTxContext, type TxContext } from '../consensus/tx-rules.js';
import { RESERVE_ACCOUNT, accountId } from '../protocol/address.js';
import type { NetworkParams } from '../protocol/params.js';
import type { Tx } from '../protocol/tx.js';
import type { OverlayState } from './view.js';

export function applyTx(view: OverlayState, tx: Tx, context: TxContext): void {
  checkTxContext(tx, view, context);
  const sender = accountId(tx.sender);
  const from = view.account(sender)!;
  const debit = tx.payload.type === 1 ? tx.payload.amount : 0n;
  view.setAccount(sender, { balance: from.balance - tx.fee - debit, nonce: from.nonce + 1n });
  const counters = view.counters();
  view.setCounters({ ...counters, fees: counters.fees + tx.fee });
  if (tx.payload.type === 1) {
    // Read after the debit, so a transfer to oneself nets out.
    const to = view.account(tx.payload.to) ?? { balance: 0n, nonce: 0n };
    view.setAccount(tx.payload.to, { balance: to.balance + tx.payload.amount, nonce: to.nonce });
  }
}

/** The genesis state (§1.3, §9.1): allocations credited and counted as minted; the reserve account and the counters exist. */
export function applyGenesis(view: OverlayState, params: NetworkParams): void {
  let minted = 0n;
  for (const allocation of params.genesis.allocations) {
    const id = Uint8Array.from(Buffer.from(allocation.account, 'hex'));
    view.setAccount(id, { balance: allocation.amount, nonce: 0n });
    minted += allocation.amount;
  }
  if (view.account(RESERVE_ACCOUNT) === undefined)
    view.setAccount(RESERVE_ACCOUNT, { balance: 0n, nonce: 0n });
  view.setCounters({ ...view.counters(), minted });
}
