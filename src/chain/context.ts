// A block's context stage (PROTOCOL.md §3.5 rules 3–5, §3.3 rules 2–4): what it
// must carry given its parent in the index, and the index entry it becomes.
import { ACTIVATION_ENDORSED, mayBuildOnKeyBlock, type Activation } from '../consensus/activation.js';
import { checkedTarget, nextBits, targetFromBits, workOf } from '../consensus/difficulty.js';
import { checkKeyBlockContext, medianTimePast } from '../consensus/key-block-rules.js';
import { checkMicroblockContext } from '../consensus/microblock-rules.js';
import type { KeyBlock } from '../protocol/key-block.js';
import type { MicroblockHeader } from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { toHex } from '../util/bytes.js';
import type { AnyBlock } from './block-store.js';
import { keyAncestors, type Entry, type KeyEntry, type MicroEntry } from './index-entry.js';

export interface NextKeyBlock {
  readonly prev: Entry;
  readonly height: bigint;
  readonly bits: number;
  readonly medianTimePast: number;
}

/** What a key block built on `parent` must carry (§3.5, §3.6): the miner's template uses the same. */
export function nextKeyBlock(parent: Entry, params: NetworkParams): NextKeyBlock {
  const parentKeys = keyAncestors(parent, Math.max(params.mtpWindow, (params.retarget?.window ?? 0) + 1));
  const byHeight = new Map(parentKeys.map((k) => [Number(k.keyHeight), k]));
  return {
    prev: parent,
    height: parent.keyHeight + 1n,
    bits: nextBits(
      Number(parent.keyHeight),
      (h) => {
        const k = byHeight.get(h)!;
        return { time: k.block.header.time, bits: k.block.header.bits };
      },
      params,
    ),
    medianTimePast: medianTimePast(
      parentKeys.map((k) => k.block.header.time),
      params.mtpWindow,
    ),
  };
}

/**
 * Checks `incoming` against its parent and the clock; the entry it becomes in the index. A key
 * block's activation (§5.1, §5.4) is `activation`'s answer, asked once the block passed its rules;
 * a microblock's MIN_MICROBLOCK_INTERVAL is `minIntervalMs`'s answer for its epoch's key block: the
 * value in force after KeyConnect(K_h), so a change applied at h governs all of epoch h (§3.3).
 */
export function checkContext(
  incoming: AnyBlock,
  id: Uint8Array,
  parent: Entry,
  nowMs: number,
  params: NetworkParams,
  activation: (block: KeyBlock, parent: Entry) => Activation,
  minIntervalMs: (epochKey: KeyEntry) => number,
): Entry {
  if (incoming.kind === 'key') {
    const block = incoming.block;
    const next = nextKeyBlock(parent, params);
    checkKeyBlockContext(
      block,
      {
        // §3.4: a microblock of epoch h−1, or K_{h−1} itself if it was bootstrap-activated.
        parentAllowed: parent.kind === 'micro' || mayBuildOnKeyBlock(parent.activation),
        parentKeyHeight: parent.keyHeight,
        expectedBits: next.bits,
        medianTimePast: next.medianTimePast,
        nowS: Math.floor(nowMs / 1000),
      },
      params,
    );
    return keyEntry(block, id, parent, activation(block, parent), params);
  }
  const block = incoming.block;
  const { epochKey } = parent;
  checkMicroblockContext(
    block,
    {
      parent:
        parent.kind === 'key'
          ? { kind: 'key', height: parent.keyHeight, timeS: parent.block.header.time }
          : { kind: 'micro', keyHeight: parent.keyHeight, seq: parent.seq, timeMs: parent.timeMs },
      epochKeyBlockId: epochKey.id,
      leaderKey: epochKey.block.body.leaderKey,
      minIntervalMs: () => minIntervalMs(epochKey),
      nowMs: BigInt(nowMs),
    },
    params,
  );
  return microEntry(block.header, id, parent);
}

/**
 * The index entry of a key block on `parent`. A bootstrap- or fallback-activated key block's work adds
 * to the parent's chain work at once; one that needs endorsements is a candidate with no weight, and
 * its work counts from its activation microblock M_{h,0} on (§3.4).
 */
export function keyEntry(
  block: KeyBlock,
  id: Uint8Array,
  parent: Entry,
  activation: Activation,
  params: NetworkParams,
): KeyEntry {
  const entry: KeyEntry = {
    kind: 'key',
    id,
    hex: toHex(id),
    parent,
    keyHeight: block.body.height,
    chainWork:
      activation === ACTIVATION_ENDORSED
        ? parent.chainWork
        : parent.chainWork + workOf(checkedTarget(block.header.bits, params)),
    timeMs: BigInt(block.header.time) * 1000n,
    get epochKey() {
      return entry;
    },
    block,
    activation,
  };
  return entry;
}

/** Whether `entry` is a key block waiting for endorsements: only its M_{h,0} may build on it (§3.4). */
export function isCandidate(entry: Entry): entry is KeyEntry {
  return entry.kind === 'key' && entry.activation === ACTIVATION_ENDORSED;
}

/**
 * The index entry of a microblock on `parent`. Microblocks have no weight (§3.3), except that an
 * endorsed epoch's M_{h,0} carries its key block's: the two connect as one (§5.4).
 */
export function microEntry(header: MicroblockHeader, id: Uint8Array, parent: Entry): MicroEntry {
  return {
    kind: 'micro',
    id,
    hex: toHex(id),
    parent,
    keyHeight: header.keyHeight,
    seq: header.seq,
    chainWork: isCandidate(parent)
      ? parent.chainWork + workOf(targetFromBits(parent.block.header.bits))
      : parent.chainWork,
    timeMs: header.timeMs,
    epochKey: parent.epochKey,
    header,
  };
}
