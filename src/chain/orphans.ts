// Blocks whose parent is unknown (PROTOCOL.md §3.5 rule 2, §10.2: queue, fetch
// by id), held in memory until the parent comes. Bounded (decision 21): the
// oldest goes first.
import type { KeyBlock } from '../protocol/key-block.js';
import { toHex } from '../util/bytes.js';
import type { AnyBlock } from './block-store.js';

export const MAX_ORPHANS = 64;

export interface Orphan {
  readonly block: AnyBlock;
  /** It came unasked (gossip, or fetched as a parent): side-branch budgets apply when it is added. */
  readonly unsolicited: boolean;
}

export class OrphanPool {
  private readonly orphans = new Map<string, Orphan & { readonly prev: string }>();

  get size(): number {
    return this.orphans.size;
  }

  add(key: string, orphan: Orphan): void {
    if (this.orphans.size >= MAX_ORPHANS) this.orphans.delete(this.orphans.keys().next().value!);
    this.orphans.set(key, { ...orphan, prev: toHex(orphan.block.block.header.prev) });
  }

  /** Removes and returns the orphans whose parent is `parentHex`. */
  takeChildren(parentHex: string): Orphan[] {
    const children: Orphan[] = [];
    for (const [key, orphan] of this.orphans) {
      if (orphan.prev !== parentHex) continue;
      this.orphans.delete(key);
      children.push(orphan);
    }
    return children;
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
