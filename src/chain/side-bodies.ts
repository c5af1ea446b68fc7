// How much a side branch may store (issue: a peer must not fill the disk with
// microblocks on a branch that has no more work than ours). A side-branch
// microblock that arrives unasked (gossip, or fetched as a parent) keeps its
// body only within two budgets: per key block, and over every side key block
// within UNDO_DEPTH of the tip. Past them it is neither stored nor relayed; if
// its branch ever becomes heavier, the heavier block arrives as an orphan and
// the missing bodies are fetched by id (the chain then stores them unasked).
// The counts are of bodies admitted, in memory: a restart starts them afresh.
import type { KeyEntry } from './index-entry.js';

const MiB = 1024 * 1024;
/** Side-branch microblock bytes stored per key block: two full microblocks. */
export const SIDE_BYTES_PER_KEY_BLOCK = 2 * MiB;
/** Side-branch microblock bytes stored over every side key block within UNDO_DEPTH of the tip. */
export const SIDE_BYTES_TOTAL = 8 * MiB;

export interface SideBodyLimits {
  readonly perKeyBlock: number;
  readonly total: number;
}

export const SIDE_BODY_LIMITS: SideBodyLimits = {
  perKeyBlock: SIDE_BYTES_PER_KEY_BLOCK,
  total: SIDE_BYTES_TOTAL,
};

export class SideBodyBudget {
  /** Bytes admitted per side key block (by id), with its height so old ones can be forgotten. */
  private readonly byKey = new Map<string, { readonly keyHeight: bigint; bytes: number }>();
  private total = 0;

  constructor(
    private readonly undoDepth: number,
    private readonly limits: SideBodyLimits = SIDE_BODY_LIMITS,
  ) {}

  /** Counts a side-branch body of `bytes` in epoch `key` and says yes, if both budgets still allow it. */
  admit(key: KeyEntry, bytes: number, tipKeyHeight: bigint): boolean {
    if (!this.allows(key, bytes, tipKeyHeight)) return false;
    const spent = this.byKey.get(key.hex)?.bytes ?? 0;
    this.byKey.set(key.hex, { keyHeight: key.keyHeight, bytes: spent + bytes });
    this.total += bytes;
    return true;
  }

  /** Whether a side-branch body of `bytes` in epoch `key` would be admitted now; counts nothing. */
  allows(key: KeyEntry, bytes: number, tipKeyHeight: bigint): boolean {
    this.forgetBelow(tipKeyHeight - BigInt(this.undoDepth));
    const spent = this.byKey.get(key.hex)?.bytes ?? 0;
    return spent + bytes <= this.limits.perKeyBlock && this.total + bytes <= this.limits.total;
  }

  /** Side key blocks deeper than UNDO_DEPTH can take no more blocks (reorg-too-deep): their bytes stop counting. */
  private forgetBelow(height: bigint): void {
    for (const [hex, spent] of this.byKey) {
      if (spent.keyHeight >= height) continue;
      this.total -= spent.bytes;
      this.byKey.delete(hex);
    }
  }
}
