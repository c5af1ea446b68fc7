// Reads the API serves that no consensus rule needs.
import { PREFIX_PENDING, decodePending, decodePendingKey } from './entries.js';
import type { OverlayState } from './view.js';

/** The sum of an account's pending (unmatured) credits (§3.10). A scan, but pending entries are few. */
export function unmaturedOf(view: OverlayState, account: Uint8Array): bigint {
  let total = 0n;
  for (const { key, value } of view.range(Uint8Array.of(PREFIX_PENDING), Uint8Array.of(PREFIX_PENDING + 1))) {
    if (Buffer.from(decodePendingKey(key).account).equals(account)) total += decodePending(value).amount;
  }
  return total;
}
