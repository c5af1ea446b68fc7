// Type 10 Vote (PROTOCOL.md §4.11): 0x0E (proposal_id ‖ voter) := choice; a
// new vote replaces the previous one. The weight is read at the tally (§8.2).
import { accountId } from '../../protocol/address.js';
import type { TxEffect } from './tx-effect.js';

export const applyVote: TxEffect<10> = (view, tx) => {
  view.setVote(tx.payload.proposalId, accountId(tx.sender), tx.payload.choice);
};
