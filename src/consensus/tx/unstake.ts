// Type 7 Unstake (PROTOCOL.md §4.8): `0 < amount ≤ bonded` leaves the bond and
// unbonds until key block c + UNBONDING_PERIOD; what stays bonded is 0 or
// at least the role's current minimum. Stake already unbonding is no longer
// bonded, so unstaking it again fails `insufficient-stake`. The effect is
// state/effects/unstake.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { currentMinStake } from '../stake.js';
import { noDebit, type TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const unstakeRules: TxTypeRules<7> = {
  sanity(p) {
    if (p.role < 1 || p.role > 3) throw new RuleError('bad-role', { role: p.role });
    // 0 < amount ≤ bonded: the upper bound needs the state, zero never passes.
    if (p.amount === 0n) throw new RuleError('insufficient-stake', { amount: '0' });
  },
  context(tx, view, _context, params) {
    const p = tx.payload;
    const bonded = view.bond(accountId(tx.sender), p.role)?.bonded ?? 0n;
    // [IGNORE] Depends on the state: another node may have seen the Stake.
    if (p.amount > bonded) {
      throw new RuleError('insufficient-stake', { role: p.role, amount: p.amount, bonded }, IGNORE);
    }
    const remainder = bonded - p.amount;
    const min = currentMinStake(view, p.role, params);
    if (remainder !== 0n && remainder < min) {
      throw new RuleError('below-min-stake', { role: p.role, remainder, min }, IGNORE);
    }
  },
  // The amount leaves the bond, not the balance.
  debit: noDebit,
};
