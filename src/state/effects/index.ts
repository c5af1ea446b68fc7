// Every transaction type's state effect, gathered in one record the compiler
// checks is complete: a type gains its effect by a new file here.
import type { Tx, TxType } from '../../protocol/tx.js';
import { applyDonate } from './donate.js';
import { applyPlayReport } from './play-report.js';
import { applyPoison } from './poison.js';
import { applyProposal } from './proposal.js';
import { applyRegisterIdentity } from './register-identity.js';
import { applyRegisterSong } from './register-song.js';
import { applyStake } from './stake.js';
import { applySubscribe } from './subscribe.js';
import { applyTransfer } from './transfer.js';
import { type TxEffect } from './tx-effect.js';
import { applyUnstake } from './unstake.js';
import { applyVote } from './vote.js';

export const TX_EFFECTS: { readonly [T in TxType]: TxEffect<T> } = {
  1: applyTransfer,
  2: applyRegisterIdentity,
  3: applyRegisterSong,
  4: applyDonate,
  5: applySubscribe,
  6: applyStake,
  7: applyUnstake,
  8: applyPlayReport,
  9: applyProposal,
  10: applyVote,
  12: applyPoison,
};

/** The effect of `tx`'s own type. */
export function effectOf(tx: Tx): TxEffect<TxType> {
  // The record is keyed by payload type, so the effect found takes exactly this payload.
  return TX_EFFECTS[tx.payload.type] as TxEffect<TxType>;
}
