// Type 10 Vote (PROTOCOL.md §4.11). Effects: the governance issue.
import { inactive, noDebit, noSanity, type TxTypeRules } from './type-rules.js';

export const voteRules: TxTypeRules<10> = {
  // The choice (1–3) is checked by the decoder.
  sanity: noSanity,
  context: inactive,
  debit: noDebit,
};
