// Type 7 Unstake (PROTOCOL.md §4.8): the amount leaves bonded[sender, role] and
// waits in 0x05 until KeyConnect(c + UNBONDING_PERIOD) releases it to the
// balance (§3.8 step 3). A bond that reaches 0 is deleted, a validator's
// last_endorsed with it; the app record (0x06) stays, as §9.1 deletes only
// amounts.
import { accountId } from '../../protocol/address.js';
import type { TxEffect } from './tx-effect.js';

export const applyUnstake: TxEffect<7> = (view, tx, context, params) => {
  const account = accountId(tx.sender);
  const { role, amount } = tx.payload;
  const bond = view.bond(account, role);
  if (bond === undefined) throw new Error('applyUnstake: the rules passed an unstake with no bond');
  view.setBond(account, role, { bonded: bond.bonded - amount, lastEndorsed: bond.lastEndorsed });
  view.addUnbonding(context.keyHeight + BigInt(params.unbondingPeriod), account, role, amount);
};
