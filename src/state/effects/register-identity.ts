// Type 2 RegisterIdentity (PROTOCOL.md §4.3): the sender's 0x02 entry takes the
// new roles (a superset, the rules checked), name and metadata. reg_height is
// c at the first registration and again when the listener bit is first
// added, so listener age (§7.1) counts from becoming a listener.
import { ROLE_LISTENER } from '../../consensus/music.js';
import { accountId } from '../../protocol/address.js';
import type { TxEffect } from './tx-effect.js';

export const applyRegisterIdentity: TxEffect<2> = (view, tx, context) => {
  const account = accountId(tx.sender);
  const { roles, displayName, metadata } = tx.payload;
  const old = view.identity(account);
  const becomesListener = (roles & ROLE_LISTENER) !== 0 && ((old?.roles ?? 0) & ROLE_LISTENER) === 0;
  const regHeight = old === undefined || becomesListener ? context.keyHeight : old.regHeight;
  view.setIdentity(account, { roles, displayName, metadata, regHeight });
};
