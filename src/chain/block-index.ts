// The in-memory block index: every stored block as an entry linked to its
// parent, the tip, and the best chain's key blocks by height.
import { toHex } from '../util/bytes.js';
import type { Entry, KeyEntry } from './index-entry.js';

export class BlockIndex {
  private readonly entries = new Map<string, Entry>();
  private tipEntry: Entry;
  /** The best chain's key blocks by height. */
  private readonly bestKeys: KeyEntry[];

  constructor(genesis: KeyEntry) {
    this.entries.set(genesis.hex, genesis);
    this.tipEntry = genesis;
    this.bestKeys = [genesis];
  }

  get tip(): Entry {
    return this.tipEntry;
  }

  get(id: Uint8Array): Entry | undefined {
    return this.entries.get(toHex(id));
  }

  byHex(hex: string): Entry | undefined {
    return this.entries.get(hex);
  }

  has(hex: string): boolean {
    return this.entries.has(hex);
  }

  add(entry: Entry): void {
    this.entries.set(entry.hex, entry);
  }

  /** The best chain's key block at `height`. */
  keyAt(height: bigint): KeyEntry | undefined {
    return height < 0n ? undefined : this.bestKeys[Number(height)];
  }

  /** The best chain's blocks of epoch `height`, key block first. */
  epochBlocks(height: bigint): Entry[] {
    const key = this.keyAt(height);
    if (key === undefined) return [];
    const next = this.keyAt(height + 1n);
    const out: Entry[] = [];
    for (let e: Entry | undefined = next?.parent ?? this.tipEntry; e !== undefined && e !== key; e = e.parent)
      out.push(e);
    out.push(key);
    return out.reverse();
  }

  /**
   * How many key blocks below the tip `entry`'s branch leaves the best chain (0 on the best chain);
   * the walk stops once it is deeper than `limit`.
   */
  forkDepth(entry: Entry, limit: number): number {
    const tipHeight = this.tipEntry.keyHeight;
    for (let key: KeyEntry | undefined = entry.epochKey; key !== undefined; key = key.parent?.epochKey) {
      const depth = tipHeight - key.keyHeight;
      // On the best chain at this epoch, or already too deep to matter.
      if (this.bestKeys[Number(key.keyHeight)] === key || depth > BigInt(limit)) return Number(depth);
    }
    return 0;
  }

  setTip(entry: Entry): void {
    this.tipEntry = entry;
    const keys = this.bestKeys;
    keys.length = Math.min(keys.length, Number(entry.keyHeight) + 1);
    // Walk back until the array agrees with the new branch, then it is right again.
    for (let key: KeyEntry | undefined = entry.epochKey; key !== undefined; key = key.parent?.epochKey) {
      const height: number = Number(key.keyHeight);
      if (keys[height] === key) break;
      keys[height] = key;
    }
  }
}
