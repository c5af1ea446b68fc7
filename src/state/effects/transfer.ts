// Type 1 Transfer (PROTOCOL.md §4.2): the amount, already debited, goes to `to`, created if new.
import type { TxEffect } from './tx-effect.js';

export const applyTransfer: TxEffect<1> = (view, tx) => {
  // Read after the debit, so a transfer to oneself nets out.
  const to = view.account(tx.payload.to) ?? { balance: 0n, nonce: 0n };
  view.setAccount(tx.payload.to, { balance: to.balance + tx.payload.amount, nonce: to.nonce });
};
