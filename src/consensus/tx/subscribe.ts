// Type 5 Subscribe (PROTOCOL.md §4.6): `periods` (1–366) of a musician's
// subscription for `amount ≥ periods × MIN_SUBSCRIPTION_PER_PERIOD` (the value
// in force, governed), never to oneself; `amount > 0` even when the minimum is
// governed down to 0 (decision 171). Debit = amount; the effect pays it 90/10,
// extends the record and adds it to the sender's period support.
import { accountId } from '../../protocol/address.js';
import { RuleError } from '../../protocol/errors.js';
import { PARAM_MIN_SUBSCRIPTION_PER_PERIOD, paramInForce } from '../governed-params.js';
import { isMusician, sameAccount } from '../music.js';
import type { TxTypeRules } from './type-rules.js';

export const MAX_SUBSCRIPTION_PERIODS = 366;
const IGNORE = { gossip: 'ignore' } as const;

export const subscribeRules: TxTypeRules<5> = {
  sanity(p) {
    if (p.periods < 1 || p.periods > MAX_SUBSCRIPTION_PERIODS) {
      throw new RuleError('bad-periods', { periods: p.periods });
    }
    if (p.amount === 0n) throw new RuleError('bad-amount', { type: p.type, amount: '0' });
  },
  context(tx, view, _context, params) {
    const p = tx.payload;
    // [IGNORE] The role may be registered in a block this node has not seen.
    if (!isMusician(view, p.musician)) throw new RuleError('not-musician', {}, IGNORE);
    if (sameAccount(accountId(tx.sender), p.musician)) throw new RuleError('self-payment', {}, IGNORE);
    // [IGNORE] The minimum is governed: a change may apply at the next key block.
    const minimum = BigInt(p.periods) * paramInForce(view, PARAM_MIN_SUBSCRIPTION_PER_PERIOD, params);
    if (p.amount < minimum) {
      throw new RuleError('subscription-too-small', { amount: p.amount, minimum }, IGNORE);
    }
  },
  debit: (p) => p.amount,
};
