// Type 6 Stake (PROTOCOL.md §4.7): `amount > 0` moves from the sender's balance
// into bonded[sender, role], which must then reach the role's current
// minimum. Roles 1 validator, 2 app (with a name and a service key), 3
// infrastructure. The effect is state/effects/stake.ts.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { isConsensusKey } from '../signature.js';
import { currentMinStake } from '../stake.js';
import type { TxTypeRules } from './type-rules.js';

const IGNORE = { gossip: 'ignore' } as const;

export const stakeRules: TxTypeRules<6> = {
  sanity(p) {
    // [REJECT] Roles 1–3 (the decoder refuses others too; a built object may not have been decoded).
    if (p.role < 1 || p.role > 3) throw new RuleError('bad-role', { role: p.role });
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
    if (p.role === 2) {
      if (p.app === undefined)
        throw new RuleError('bad-encoding', { what: 'app stake without name and key' });
      // [REJECT] §2.3: the service key must be canonical, a curve point and not of small order.
      if (!isConsensusKey(p.app.serviceKey)) throw new RuleError('bad-signature', { what: 'service_key' });
    }
  },
  context(tx, view, _context, params) {
    // [IGNORE] After the move the bond must reach the role's current minimum.
    const p = tx.payload;
    const bonded = (view.bond(accountId(tx.sender), p.role)?.bonded ?? 0n) + p.amount;
    const min = currentMinStake(view, p.role, params);
    if (bonded < min) throw new RuleError('below-min-stake', { role: p.role, bonded, min }, IGNORE);
  },
  debit: (p) => p.amount,
};
