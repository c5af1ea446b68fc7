// Unknown parents are cheap to send and dear to check: a 1 MB microblock on a
// made-up parent costs a full decode before the chain can say "orphan". Both
// block headers start `version u32 ‖ prev [32]`, so the gate reads prev from the
// raw bytes first; a block whose parent we lack counts against its sender's
// orphan budget, and once that is spent the block is IGNOREd undecoded (no
// penalty: an honest peer ahead of us sends orphans too, just not many).
import { RateLimit, type RateLimitOptions } from './rate.js';

/** Blocks on unknown parents one peer may have decoded per minute: an honest peer sends a few per epoch. */
export const ORPHAN_BUDGET: RateLimitOptions = { requests: 32, windowMs: 60_000 };
const PREV_START = 4;
const PREV_END = 36;

export interface OrphanGateModules {
  /** Whether the chain holds block `id`. */
  readonly knows: (id: Uint8Array) => boolean;
  readonly now: () => number;
}

export class OrphanGate {
  private readonly budget: RateLimit;

  constructor(private readonly mods: OrphanGateModules) {
    this.budget = new RateLimit(ORPHAN_BUDGET, { now: mods.now });
  }

  /** Whether `peer`'s block message `data` is worth decoding: its parent is known, or the peer has budget left. */
  admits(peer: string, data: Uint8Array): boolean {
    // Too short to hold a prev: let the decoder refuse it, with its own code.
    if (data.length < PREV_END) return true;
    if (this.mods.knows(data.subarray(PREV_START, PREV_END))) return true;
    return this.budget.take(peer);
  }

  removePeer(peer: string): void {
    this.budget.forget(peer);
  }
}
