// Template filling (PROTOCOL.md §4.14): fee-rate priority in nonce order.
// Each step takes the best among every sender's next ready tx, so a sender's
// rich child never comes before its parent. O(k log s) for k picks among s senders.
import type { Tx } from '../protocol/tx.js';
import { Heap } from './heap.js';
import { selectsBefore } from './policy.js';
import type { PoolEntry, SenderPool } from './sender.js';

export interface SelectLimits {
  readonly maxBytes: number;
  readonly maxTxs: number;
}

/** Bitcoin Core's BlockAssembler: a nearly full template stops looking for a small enough tx. */
const MAX_CONSECUTIVE_MISSES = 1000;
const NEARLY_FULL_BYTES = 4000;

interface Cursor {
  readonly sender: SenderPool;
  readonly at: number;
  readonly entry: PoolEntry;
}

/**
 * `heads` holds every sender with a ready tx, ordered by that tx; it is popped
 * while selecting and restored before returning. A tx that does not fit into
 * the remaining bytes is skipped, and with it its sender's later txs.
 */
export function selectFromHeads(heads: Heap<SenderPool>, limits: SelectLimits): Tx[] {
  const out: Tx[] = [];
  const popped: SenderPool[] = [];
  // A sender's later txs wait here once its first one was taken.
  const later = new Heap<Cursor>((a, b) => selectsBefore(a.entry, b.entry));
  let room = limits.maxBytes;
  let misses = 0;
  try {
    while (out.length < limits.maxTxs) {
      const sender = heads.peek();
      const head = sender?.head;
      const next = later.peek();
      let cursor: Cursor;
      if (
        sender !== undefined &&
        head !== undefined &&
        (next === undefined || selectsBefore(head, next.entry))
      ) {
        heads.pop();
        popped.push(sender);
        cursor = { sender, at: 0, entry: head };
      } else if (next !== undefined) {
        later.pop();
        cursor = next;
      } else {
        break;
      }
      const { entry } = cursor;
      if (entry.size > room) {
        if (++misses >= MAX_CONSECUTIVE_MISSES && room < NEARLY_FULL_BYTES) break;
        continue;
      }
      misses = 0;
      out.push(entry.tx);
      room -= entry.size;
      const at = cursor.at + 1;
      const following = cursor.sender.entries[at];
      if (following?.ready === true) later.push({ sender: cursor.sender, at, entry: following });
    }
  } finally {
    for (const sender of popped) heads.push(sender);
  }
  return out;
}
