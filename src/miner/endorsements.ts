// The leader's endorsement pool (PROTOCOL.md §5.4): valid endorsements held
// per candidate key block and slot until the leader publishes M_{h,0}. The
// caller checks each endorsement (consensus/activity checkEndorsement) before
// adding it; the pool only keeps them, one per (key_block_id, index), and
// forgets the oldest candidate past its bound so a flood of key block ids
// cannot grow it (decision 129).
import type { EndorsedSlot } from '../consensus/activity.js';
import type { ActivationEntry } from '../protocol/microblock.js';
import { toHex } from '../util/bytes.js';
import { InvalidArgumentError } from '../util/errors.js';
import { NO_ENDORSEMENT_METRICS, type EndorsementMetrics } from './metrics.js';

/** Candidates held at once: §3.4 keeps ≤ 64 candidate key blocks, so endorsements for more have nowhere to go. */
export const MAX_ENDORSED_CANDIDATES = 64;

export interface EndorsementPoolOptions {
  /** N: slots per key block (params.poa.slots). */
  readonly slots: number;
  readonly maxCandidates?: number;
}

export interface HeldEndorsement {
  readonly keyBlockId: Uint8Array;
  readonly slot: EndorsedSlot;
  readonly sig: Uint8Array;
}

/** 'added', or 'duplicate' when (key_block_id, index) is already held: a no-op (§10.2 IGNORE). */
export type AddOutcome = 'added' | 'duplicate';

export class EndorsementPool {
  private readonly maxCandidates: number;
  /** Insertion-ordered, so the first key is the oldest candidate. */
  private readonly byKeyBlock = new Map<string, (ActivationEntry | undefined)[]>();

  constructor(
    private readonly opts: EndorsementPoolOptions,
    private readonly mods: { readonly metrics?: EndorsementMetrics } = {},
  ) {
    this.maxCandidates = opts.maxCandidates ?? MAX_ENDORSED_CANDIDATES;
    if (!Number.isInteger(this.maxCandidates) || this.maxCandidates < 1) {
      throw new InvalidArgumentError('bad-limit', `maxCandidates must be a positive integer`);
    }
  }

  /** Whether slot `index` of `keyBlockId` is held: a gossip handler asks before spending a verification. */
  has(keyBlockId: Uint8Array, index: number): boolean {
    return this.byKeyBlock.get(toHex(keyBlockId))?.[index] !== undefined;
  }

  /** Holds a checked endorsement; the first one per slot wins, later ones are no-ops. */
  add(held: HeldEndorsement): AddOutcome {
    const { index, validatorKey } = held.slot;
    if (!Number.isInteger(index) || index < 0 || index >= this.opts.slots) {
      throw new InvalidArgumentError('bad-index', `slot ${index} is not below N = ${this.opts.slots}`);
    }
    const key = toHex(held.keyBlockId);
    let slots = this.byKeyBlock.get(key);
    if (slots === undefined) {
      slots = new Array<ActivationEntry | undefined>(this.opts.slots).fill(undefined);
      this.byKeyBlock.set(key, slots);
      for (const oldest of this.byKeyBlock.keys()) {
        if (this.byKeyBlock.size <= this.maxCandidates) break;
        this.byKeyBlock.delete(oldest);
      }
    }
    if (slots[index] !== undefined) return 'duplicate';
    slots[index] = { index, validatorKey, sig: held.sig };
    (this.mods.metrics ?? NO_ENDORSEMENT_METRICS).endorsementAdded();
    return 'added';
  }

  /** Endorsements held for `keyBlockId`. */
  count(keyBlockId: Uint8Array): number {
    return this.byKeyBlock.get(toHex(keyBlockId))?.filter((e) => e !== undefined).length ?? 0;
  }

  /** The activation section for M_{h,0}: every held endorsement of `keyBlockId`, indices increasing (§5.4). */
  section(keyBlockId: Uint8Array): ActivationEntry[] {
    return (this.byKeyBlock.get(toHex(keyBlockId)) ?? []).filter(
      (e): e is ActivationEntry => e !== undefined,
    );
  }

  /** Forgets a key block's endorsements (activated, or left the candidates). */
  drop(keyBlockId: Uint8Array): void {
    this.byKeyBlock.delete(toHex(keyBlockId));
  }

  /** Candidates with at least one endorsement held. */
  get size(): number {
    return this.byKeyBlock.size;
  }
}
