// Type 5 Subscribe (PROTOCOL.md §4.6): the amount goes 90/10 to the musician
// and the reserve and counts as the sender's support this period; the record
// (sender, musician) gets until = max(until, c) + periods × REWARD_PERIOD and
// total_paid += amount.
import { accountId } from '../../protocol/address.js';
import { payMusic } from './music-payment.js';
import type { TxEffect } from './tx-effect.js';

export const applySubscribe: TxEffect<5> = (view, tx, context, params) => {
  const { musician, amount, periods } = tx.payload;
  const sender = accountId(tx.sender);
  payMusic(view, sender, amount, { kind: 'musician', account: musician });
  const old = view.subscription(sender, musician) ?? { until: 0n, totalPaid: 0n };
  const from = old.until > context.keyHeight ? old.until : context.keyHeight;
  view.setSubscription(sender, musician, {
    until: from + BigInt(periods) * BigInt(params.rewardPeriod),
    totalPaid: old.totalPaid + amount,
  });
};
