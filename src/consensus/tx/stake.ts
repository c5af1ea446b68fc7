// Type 6 Stake (PROTOCOL.md §4.7). Effects: the staking issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, type TxTypeRules } from './type-rules.js';

export const stakeRules: TxTypeRules<6> = {
  sanity(p) {
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
  },
  context: inactive,
  debit: (p) => p.amount,
};
