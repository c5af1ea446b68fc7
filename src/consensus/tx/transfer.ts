// Type 1 Transfer (PROTOCOL.md §4.2): `amount > 0` moves from the sender to `to`.
import { RuleError } from '../../protocol/errors.js';
import type { TxTypeRules } from './type-rules.js';

export const transferRules: TxTypeRules<1> = {
  sanity(p) {
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
  },
  context() {
    // Nothing beyond §4.1: the recipient is created if new.
  },
  debit: (p) => p.amount,
};
