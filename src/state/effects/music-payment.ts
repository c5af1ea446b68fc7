// What Donate and Subscribe both do with the amount already debited from the
// sender (PROTOCOL.md §4.5, §4.6): credit it 90/10 exactly as
// consensus/music-payment.ts divides it — to no account but the musician's
// side and the reserve — and add it to the sender's support for the current
// period (0x0A, §7.1), before the split.
import { musicPayment, paymentCredits, type PaymentTarget } from '../../consensus/music-payment.js';
import type { OverlayState } from '../view.js';

export function payMusic(
  view: OverlayState,
  sender: Uint8Array,
  amount: bigint,
  target: PaymentTarget,
): void {
  for (const credit of paymentCredits(musicPayment(amount, target))) {
    // Read after the debit; a positive credit creates the account (§9.1).
    const account = view.account(credit.account) ?? { balance: 0n, nonce: 0n };
    view.setAccount(credit.account, { balance: account.balance + credit.amount, nonce: account.nonce });
  }
  const period = view.listenerPeriod(sender);
  view.setListenerPeriod(sender, { ...period, support: period.support + amount });
}
