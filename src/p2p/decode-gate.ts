// What gossip decodes. A 1 MB microblock costs a full decode (~15–40 ms and
// ~4 MB of objects) before the chain can say what it is, so two kinds are
// turned away from the raw bytes first, IGNOREd undecoded (no penalty):
// - a block on an unknown parent, once its sender's orphan budget is spent
//   (both block headers start `version u32 ‖ prev [32]`): an honest peer ahead
//   of us sends a few a epoch, a microblock racing its key block;
// - a microblock the chain would not keep anyway: one it holds, or a side-branch
//   one past the side-branch budgets or a further copy of a relayed
//   equivocation (Chain.worthDecoding, decisions 86, 87, 90).
import {
  MICRO_HEADER_LENGTH,
  decodeMicroblockHeader,
  type MicroblockHeader,
} from '../protocol/microblock.js';
import type { TopicKind } from './topics.js';

/** Encoded bytes of blocks on unknown parents one peer may have decoded per window: four full microblocks. */
export const ORPHAN_BUDGET = { bytes: 4 * 1024 * 1024, windowMs: 60_000 } as const;
const PREV_START = 4;
const PREV_END = 36;

export interface DecodeGateModules {
  /** Whether the chain holds block `id`. */
  readonly knows: (id: Uint8Array) => boolean;
  /** Whether the chain could keep a microblock with this header and encoded size. */
  readonly worthDecoding: (header: MicroblockHeader, encodedLength: number) => boolean;
  readonly now: () => number;
}

export class DecodeGate {
  private readonly orphanBytes = new Map<string, { start: number; bytes: number }>();

  constructor(private readonly mods: DecodeGateModules) {}

  /** Whether `peer`'s message `data` on topic `kind` is worth decoding. */
  admits(peer: string, kind: TopicKind, data: Uint8Array): boolean {
    if (kind !== 'keyblock' && kind !== 'microblock') return true;
    // Too short to hold a header: let the decoder refuse it, with its own code.
    if (data.length < PREV_END) return true;
    if (!this.mods.knows(data.subarray(PREV_START, PREV_END)))
      return this.takeOrphanBudget(peer, data.length);
    if (kind === 'keyblock' || data.length < MICRO_HEADER_LENGTH) return true;
    return this.mods.worthDecoding(
      decodeMicroblockHeader(data.subarray(0, MICRO_HEADER_LENGTH)),
      data.length,
    );
  }

  removePeer(peer: string): void {
    this.orphanBytes.delete(peer);
  }

  /** Counts `bytes` of orphans for `peer`; false once its budget for this window is spent. */
  private takeOrphanBudget(peer: string, bytes: number): boolean {
    const now = this.mods.now();
    let window = this.orphanBytes.get(peer);
    if (window === undefined || now - window.start > ORPHAN_BUDGET.windowMs) {
      window = { start: now, bytes: 0 };
      this.orphanBytes.set(peer, window);
    }
    if (window.bytes + bytes > ORPHAN_BUDGET.bytes) return false;
    window.bytes += bytes;
    return true;
  }
}
