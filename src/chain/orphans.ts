// Blocks whose parent is unknown (PROTOCOL.md §3.5 rule 2, §10.2: queue, fetch
// by id), held in memory until the parent comes. Bounded (decision 21): the
// oldest goes first.
import { toHex } from '../util/bytes.js';
import type { AnyBlock } from './block-store.js';

export const MAX_ORPHANS = 64;

export class OrphanPool {
  private readonly blocks = new Map<string, AnyBlock>();

  get size(): number {
    return this.blocks.size;
  }

  add(key: string, block: AnyBlock): void {
    if (this.blocks.size >= MAX_ORPHANS) this.blocks.delete(this.blocks.keys().next().value!);
    this.blocks.set(key, block);
  }

  /** Removes and returns the orphans whose parent is `parentHex`. */
  takeChildren(parentHex: string): AnyBlock[] {
    const children: AnyBlock[] = [];
    for (const [key, block] of this.blocks) {
      if (toHex(block.block.header.prev) !== parentHex) continue;
      this.blocks.delete(key);
      children.push(block);
    }
    return children;
  }
}
