// Every transaction type's rules, gathered in one record the compiler checks is
// complete: a new type cannot land without its sanity, context and debit.
import type { NetworkParams } from '../../protocol/params.js';
import type { Tx, TxType } from '../../protocol/tx.js';
import { donateRules } from './donate.js';
import { playReportRules } from './play-report.js';
import { poisonRules } from './poison.js';
import { proposalRules } from './proposal.js';
import { registerIdentityRules } from './register-identity.js';
import { registerSongRules } from './register-song.js';
import { stakeRules } from './stake.js';
import { subscribeRules } from './subscribe.js';
import { transferRules } from './transfer.js';
import type { TxTypeRules } from './type-rules.js';
import { unstakeRules } from './unstake.js';
import { voteRules } from './vote.js';

export type { BlockTxContext, TxContext, TxTypeRules } from './type-rules.js';

export const TX_RULES: { readonly [T in TxType]: TxTypeRules<T> } = {
  1: transferRules,
  2: registerIdentityRules,
  3: registerSongRules,
  4: donateRules,
  5: subscribeRules,
  6: stakeRules,
  7: unstakeRules,
  8: playReportRules,
  9: proposalRules,
  10: voteRules,
  12: poisonRules,
};

/** The rules of `tx`'s own type. */
export function rulesOf(tx: Tx): TxTypeRules<TxType> {
  // The record is keyed by payload type, so the entry found takes exactly this payload.
  return TX_RULES[tx.payload.type] as TxTypeRules<TxType>;
}

/** What a transaction debits from its sender beyond the fee. */
export function txDebit(tx: Tx, params: NetworkParams): bigint {
  return rulesOf(tx).debit(tx.payload, params);
}
