// Type 6 Stake (PROTOCOL.md §4.7): the amount, already debited from the balance,
// joins bonded[sender, role] (0x04). A validator's last_endorsed becomes K_c's
// time (§5.4), so a fresh validator is not idle; an app's name and service key
// are (re)set in 0x06, which is how the service key rotates.
import { accountId } from '../../protocol/address.js';
import { ROLE_APP, ROLE_VALIDATOR } from '../entries.js';
import type { TxEffect } from './tx-effect.js';

export const applyStake: TxEffect<6> = (view, tx, context) => {
  const account = accountId(tx.sender);
  const { role, amount, app } = tx.payload;
  const bonded = (view.bond(account, role)?.bonded ?? 0n) + amount;
  view.setBond(account, role, { bonded, lastEndorsed: role === ROLE_VALIDATOR ? context.keyTime : 0 });
  if (role === ROLE_APP && app !== undefined) view.setApp(account, app);
};
