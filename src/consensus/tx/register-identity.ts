// Type 2 RegisterIdentity (PROTOCOL.md §4.3). Effects: the music economy's issue.
import { RuleError } from '../../protocol/errors.js';
import { inactive, noDebit, type TxTypeRules } from './type-rules.js';

export const registerIdentityRules: TxTypeRules<2> = {
  sanity(p) {
    // Role bits 0x01 musician, 0x02 listener: value 1–3.
    if (p.roles < 1 || p.roles > 3) throw new RuleError('bad-role', { roles: p.roles });
  },
  context: inactive,
  debit: noDebit,
};
