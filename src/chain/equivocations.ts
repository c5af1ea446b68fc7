// Leader equivocation (PROTOCOL.md §3.9): two different microblocks signed for
// the same key block with the same seq. The pair is Poison evidence, so the
// second is relayed once (§10.2); every further copy for that (key block, seq)
// is dropped as a duplicate, stored nowhere. What a Poison transaction needs —
// both headers and their leader signatures — is kept here, bounded, in memory.
import { encodeMicroblockHeader, type Microblock } from '../protocol/microblock.js';

/** (key block, seq) slots remembered: the first microblock seen in each. */
export const EQUIVOCATION_SLOTS = 16_384;
/** Evidence pairs kept, newest last. */
export const EVIDENCE_KEPT = 256;

/** A microblock header as a Poison transaction carries it (§4.12): header [124] ‖ sig [64]. */
export interface SignedHeader {
  readonly header: Uint8Array;
  readonly leaderSig: Uint8Array;
}

export interface Evidence {
  readonly keyBlock: string;
  readonly seq: number;
  readonly a: SignedHeader;
  readonly b: SignedHeader;
}

/**
 * What a microblock is to the log: the `first` in its slot, the `same` one again,
 * the second different one (`evidence`, relay it once), or a later one (`known`).
 */
export type Sighting = 'first' | 'same' | 'evidence' | 'known';

export class EquivocationLog {
  private readonly slots = new Map<string, { readonly id: string; readonly signed: SignedHeader }>();
  private readonly pairs = new Map<string, Evidence>();

  /** Notes microblock `id` (hex) of key block `keyBlock` (hex), which passed §3.3 rules 1–4. */
  note(keyBlock: string, id: string, block: Microblock): Sighting {
    const { seq } = block.header;
    const slot = `${keyBlock}:${seq}`;
    const sighting = this.peek(keyBlock, seq, id);
    if (sighting === 'first') {
      if (this.slots.size >= EQUIVOCATION_SLOTS) this.slots.delete(this.slots.keys().next().value!);
      this.slots.set(slot, { id, signed: signedHeader(block) });
    } else if (sighting === 'evidence') {
      if (this.pairs.size >= EVIDENCE_KEPT) this.pairs.delete(this.pairs.keys().next().value!);
      this.pairs.set(slot, { keyBlock, seq, a: this.slots.get(slot)!.signed, b: signedHeader(block) });
    }
    return sighting;
  }

  /** What microblock `id` (hex) with `seq` of key block `keyBlock` would be to the log; notes nothing. */
  peek(keyBlock: string, seq: number, id: string): Sighting {
    const slot = `${keyBlock}:${seq}`;
    if (this.pairs.has(slot)) return 'known';
    const first = this.slots.get(slot);
    if (first === undefined) return 'first';
    return first.id === id ? 'same' : 'evidence';
  }

  /** The evidence pairs held, oldest first: what a Poison transaction would carry. */
  evidence(): Evidence[] {
    return [...this.pairs.values()];
  }
}

function signedHeader(block: Microblock): SignedHeader {
  return { header: encodeMicroblockHeader(block.header), leaderSig: block.leaderSig };
}
