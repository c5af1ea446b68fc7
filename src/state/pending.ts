// Pending credits (PROTOCOL.md §3.10, 0x0F): every reward waits here until its
// maturity, when step 4 of KeyConnect credits it.
import type { NetworkParams } from '../protocol/params.js';
import { decodePending, encodePending, kindMints, pendingKey } from './entries.js';
import type { OverlayState } from './view.js';

/** Adds a pending credit (§3.10): zero amounts are not created, an existing key adds up. */
export function addPending(
  view: OverlayState,
  params: NetworkParams,
  account: Uint8Array,
  sourceHeight: bigint,
  kind: number,
  amount: bigint,
): void {
  if (amount === 0n) return;
  const key = pendingKey(sourceHeight + BigInt(params.rewardMaturity), account, sourceHeight, kind);
  const existing = view.get(key);
  const total = (existing === undefined ? 0n : decodePending(existing).amount) + amount;
  view.set(key, encodePending({ amount: total, mint: kindMints(kind) }));
}
