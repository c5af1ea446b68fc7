// The 90/10 payment of Donate and Subscribe (PROTOCOL.md §4.5, §4.6, §8.1):
// the reserve gets r = floor(amount/10), the musicians' side a = amount − r —
// all of it to a musician, or through a song's split floor(a·bp/10000) per
// holder with the remainder to the owner. No one else takes a cut: these are
// the only credits either type makes (decision 169).
import { RESERVE_ACCOUNT } from '../protocol/address.js';
import type { Song } from './state-view.js';

/** The reserve's share is amount / RESERVE_DIVISOR, floored (§4.5: 10%). */
export const RESERVE_DIVISOR = 10n;
const SPLIT_TOTAL_BP = 10_000n;

export interface Credit {
  readonly account: Uint8Array;
  readonly amount: bigint;
}

export interface MusicPayment {
  /** floor(amount / 10), to RESERVE_ACCOUNT. */
  readonly reserve: bigint;
  /** amount − reserve, over the musician or the song's holders; every amount > 0, summing to it exactly. */
  readonly musicians: readonly Credit[];
}

export type PaymentTarget =
  | { readonly kind: 'musician'; readonly account: Uint8Array }
  | { readonly kind: 'song'; readonly song: Pick<Song, 'owner' | 'splits'> };

/** How `amount` paid to `target` divides; zero shares are left out, so they create no account (§9.1). */
export function musicPayment(amount: bigint, target: PaymentTarget): MusicPayment {
  const reserve = amount / RESERVE_DIVISOR;
  const side = amount - reserve;
  if (target.kind === 'musician') {
    return { reserve, musicians: side === 0n ? [] : [{ account: target.account, amount: side }] };
  }
  const musicians: Credit[] = [];
  let paid = 0n;
  for (const split of target.song.splits) {
    const share = (side * BigInt(split.bp)) / SPLIT_TOTAL_BP;
    paid += share;
    if (share > 0n) musicians.push({ account: split.account, amount: share });
  }
  const remainder = side - paid;
  if (remainder > 0n) musicians.push({ account: target.song.owner, amount: remainder });
  return { reserve, musicians };
}

/** Every credit of a payment, the reserve's last: what the effect applies. */
export function paymentCredits(payment: MusicPayment): readonly Credit[] {
  const reserve = payment.reserve === 0n ? [] : [{ account: RESERVE_ACCOUNT, amount: payment.reserve }];
  return [...payment.musicians, ...reserve];
}
