// Blocks whose parent is unknown (PROTOCOL.md §3.5 rule 2, §10.2: queue, fetch
// by id), held in memory until the parent comes. Bounded in count (decision
// 21) and in bytes (decision 88: a decoded microblock takes several times its
// encoded size): the oldest goes first.
import type { KeyBlock } from '../protocol/key-block.js';
import { toHex } from '../util/bytes.js';
import type { AnyBlock } from './block-store.js';

export const MAX_ORPHANS = 64;
/** Encoded bytes the pool holds: four full microblocks. */
export const MAX_ORPHAN_BYTES = 4 * 1024 * 1024;

export interface Orphan {
  readonly block: AnyBlock;
  /** It came unasked (gossip, or fetched as a parent): side-branch budgets apply when it is added. */
  readonly unsolicited: boolean;
}

export class OrphanPool {
  private readonly orphans = new Map<string, Orphan & { readonly prev: string; readonly bytes: number }>();
  private bytes = 0;

  get size(): number {
    return this.orphans.size;
  }

  /** Holds `orphan`, whose encoding is `bytes` long, dropping the oldest ones to stay within the bounds. */
  add(key: string, orphan: Orphan, bytes: number): void {
    if (this.orphans.has(key)) return;
    while (
      this.orphans.size > 0 &&
      (this.orphans.size >= MAX_ORPHANS || this.bytes + bytes > MAX_ORPHAN_BYTES)
    ) {
      this.remove(this.orphans.keys().next().value!);
    }
    this.orphans.set(key, { ...orphan, prev: toHex(orphan.block.block.header.prev), bytes });
    this.bytes += bytes;
  }

  /** Removes and returns the orphans whose parent is `parentHex`. */
  takeChildren(parentHex: string): Orphan[] {
    const children: Orphan[] = [];
    for (const [key, orphan] of this.orphans) {
      if (orphan.prev !== parentHex) continue;
      this.remove(key);
      children.push(orphan);
    }
    return children;
  }

  private remove(key: string): void {
    const orphan = this.orphans.get(key);
    if (orphan === undefined) return;
    this.orphans.delete(key);
    this.bytes -= orphan.bytes;
  }

  /**
   * The most work a chain of waiting orphans would add on top of `parentHex`: the
   * largest sum, over paths down the orphans, of their key blocks' `workOf`.
   */
  heaviestDescent(parentHex: string, workOf: (block: KeyBlock) => bigint): bigint {
    let best = 0n;
    for (const [key, orphan] of this.orphans) {
      if (orphan.prev !== parentHex) continue;
      const own = orphan.block.kind === 'key' ? workOf(orphan.block.block) : 0n;
      const total = own + this.heaviestDescent(key, workOf);
      if (total > best) best = total;
    }
    return best;
  }
}
