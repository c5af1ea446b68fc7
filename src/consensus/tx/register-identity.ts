// Type 2 RegisterIdentity (PROTOCOL.md §4.3): the sender account's roles (bits
// 0x01 musician, 0x02 listener), display name and metadata. Roles are
// add-only: a registration that drops a role held before is `role-removal`.
// The effect is state/effects/register-identity.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { noDebit, type TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const registerIdentityRules: TxTypeRules<2> = {
  sanity(p) {
    // Role bits 0x01 musician, 0x02 listener: value 1–3.
    if (p.roles < 1 || p.roles > 3) throw new RuleError('bad-role', { roles: p.roles });
  },
  context(tx, view) {
    // [IGNORE] new & old ≠ old: a role held before is missing.
    const old = view.identity(accountId(tx.sender))?.roles ?? 0;
    if ((tx.payload.roles & old) !== old) {
      throw new RuleError('role-removal', { old, roles: tx.payload.roles }, IGNORE);
    }
  },
  debit: noDebit,
};
