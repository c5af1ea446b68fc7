// Type 3 RegisterSong (PROTOCOL.md §4.4): the 0x03 entry, owned by the sender,
// registered at c; its split never changes (v1).
import { accountId } from '../../protocol/address.js';
import type { TxEffect } from './tx-effect.js';

export const applyRegisterSong: TxEffect<3> = (view, tx, context) => {
  const { songId, title, metadata, durationS, splits } = tx.payload;
  view.setSong(songId, {
    owner: accountId(tx.sender),
    title,
    metadata,
    durationS,
    splits,
    regHeight: context.keyHeight,
  });
};
