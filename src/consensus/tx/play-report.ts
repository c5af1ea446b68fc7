// Type 8 PlayReport (PROTOCOL.md §4.9). Effects: the music economy's issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, noDebit, type TxTypeRules } from './type-rules.js';

export const playReportRules: TxTypeRules<8> = {
  sanity(p) {
    if (p.attestations.length === 0) throw new RuleError('bad-count', { count: 0 });
  },
  context: inactive,
  debit: noDebit,
};
