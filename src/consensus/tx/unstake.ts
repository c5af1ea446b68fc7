// Type 7 Unstake (PROTOCOL.md §4.8). Effects: the staking issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, noDebit, type TxTypeRules } from './type-rules.js';

export const unstakeRules: TxTypeRules<7> = {
  sanity(p) {
    // 0 < amount ≤ bonded: the upper bound needs the state, zero never passes.
    if (p.amount === 0n) throw new RuleError('insufficient-stake', { amount: '0' });
  },
  context: inactive,
  debit: noDebit,
};
