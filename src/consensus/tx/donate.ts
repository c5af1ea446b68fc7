// Type 4 Donate (PROTOCOL.md §4.5). Effects: the music economy's issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, type TxTypeRules } from './type-rules.js';

export const donateRules: TxTypeRules<4> = {
  sanity(p) {
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
  },
  context: inactive,
  debit: (p) => p.amount,
};
