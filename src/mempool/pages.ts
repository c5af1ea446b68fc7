// Pages of the pool by fee rate, highest first (ties: lower txid first), for
// GET /mempool: one pass over the pool keeping the best `limit` in a bounded
// heap — O(n log limit), no sort of the whole pool per call. A page ends with
// a cursor (the last entry's fee, size and id) from which the next one starts,
// so pages do not shift when transactions come and go in between.
import { Heap } from './heap.js';
import { compareFeeRate } from './policy.js';

export interface PageCursor {
  readonly fee: bigint;
  readonly size: number;
  readonly idHex: string;
}

/** Whether `a` lists before `b`: the higher fee rate, then the lower id. */
function listsBefore(a: PageCursor, b: PageCursor): boolean {
  const c = compareFeeRate({ fee: a.fee, size: BigInt(a.size) }, { fee: b.fee, size: BigInt(b.size) });
  return c !== 0 ? c > 0 : a.idHex < b.idHex;
}

/** What paging reads of a pooled transaction. */
export interface Pageable {
  readonly tx: { readonly fee: bigint };
  readonly size: number;
  readonly idHex: string;
}

const cursorOf = (e: Pageable): PageCursor => ({ fee: e.tx.fee, size: e.size, idHex: e.idHex });

export function feeRatePage<E extends Pageable>(
  entries: Iterable<E>,
  limit: number,
  after?: PageCursor,
): { readonly entries: E[]; readonly next: PageCursor | null } {
  // The kept entries with the one that lists last on top, so a better newcomer replaces it.
  const kept = new Heap<E>((a, b) => listsBefore(cursorOf(b), cursorOf(a)));
  let candidates = 0;
  for (const entry of entries) {
    if (after !== undefined && !listsBefore(after, cursorOf(entry))) continue;
    candidates++;
    if (kept.size < limit) kept.push(entry);
    else if (listsBefore(cursorOf(entry), cursorOf(kept.peek()!))) {
      kept.pop();
      kept.push(entry);
    }
  }
  const page: E[] = [];
  for (let e = kept.pop(); e !== undefined; e = kept.pop()) page.push(e);
  page.reverse();
  const last = page[page.length - 1];
  return { entries: page, next: candidates > limit && last !== undefined ? cursorOf(last) : null };
}
