// Type 4 Donate (PROTOCOL.md §4.5): the amount goes 90/10 to the musician (or
// the song's split, remainder to the owner) and the reserve, and counts as the
// sender's support this period.
import { accountId } from '../../protocol/address.js';
import { payMusic } from './music-payment.js';
import type { TxEffect } from './tx-effect.js';

export const applyDonate: TxEffect<4> = (view, tx) => {
  const { targetKind, target, amount } = tx.payload;
  const sender = accountId(tx.sender);
  if (targetKind === 0) {
    payMusic(view, sender, amount, { kind: 'musician', account: target });
    return;
  }
  // The rules found it (`unknown-song`).
  payMusic(view, sender, amount, { kind: 'song', song: view.song(target)! });
};
