// Type 5 Subscribe (PROTOCOL.md §4.6). Effects: the music economy's issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, type TxTypeRules } from './type-rules.js';

export const subscribeRules: TxTypeRules<5> = {
  sanity(p) {
    if (p.periods < 1 || p.periods > 366) throw new RuleError('bad-periods', { periods: p.periods });
  },
  context: inactive,
  debit: (p) => p.amount,
};
