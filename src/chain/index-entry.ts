// The in-memory block index: one entry per stored block, linked to its parent. A
// key block keeps its 184 bytes (its time, bits and leader key are read often); a
// microblock keeps its header.
import type { Activation } from '../consensus/activation.js';
import type { KeyBlock } from '../protocol/key-block.js';
import type { MicroblockHeader } from '../protocol/microblock.js';

interface EntryBase {
  readonly id: Uint8Array;
  readonly hex: string;
  readonly parent: Entry | undefined;
  /** The height of the block's epoch. */
  readonly keyHeight: bigint;
  /** Σ work of the key blocks on the path from genesis (§3.4); microblocks add none. */
  readonly chainWork: bigint;
  /** Unix milliseconds (a key block's seconds × 1000). */
  readonly timeMs: bigint;
  /** The key block of this epoch (the entry itself for a key block). */
  readonly epochKey: KeyEntry;
}

export interface KeyEntry extends EntryBase {
  readonly kind: 'key';
  readonly block: KeyBlock;
  /** How it was activated (§5.4): 0 endorsed, 1 bootstrap, 2 fallback. */
  readonly activation: Activation;
}

/** A microblock's header only: its body stays in LMDB (Chain.blockOf), so the index grows with headers. */
export interface MicroEntry extends EntryBase {
  readonly kind: 'micro';
  readonly header: MicroblockHeader;
  readonly seq: number;
}

export type Entry = KeyEntry | MicroEntry;

/** The block's `prev` field (genesis: 32 zero bytes). */
export function prevOf(entry: Entry): Uint8Array {
  return entry.kind === 'key' ? entry.block.header.prev : entry.header.prev;
}

/** The last `count` key blocks of the chain ending at `entry`'s epoch, oldest first. */
export function keyAncestors(entry: Entry, count: number): KeyEntry[] {
  const out: KeyEntry[] = [];
  let key: KeyEntry | undefined = entry.epochKey;
  while (key !== undefined && out.length < count) {
    out.push(key);
    key = key.parent?.epochKey;
  }
  return out.reverse();
}

/** The blocks to disconnect (tip first) and to connect (oldest first) to move from `from` to `to`. */
export function planReorg(from: Entry, to: Entry): { disconnect: Entry[]; connect: Entry[] } {
  const onFrom = new Set<string>();
  for (let e: Entry | undefined = from; e !== undefined; e = e.parent) onFrom.add(e.hex);
  const connect: Entry[] = [];
  let fork: Entry | undefined = to;
  while (fork !== undefined && !onFrom.has(fork.hex)) {
    connect.push(fork);
    fork = fork.parent;
  }
  const disconnect: Entry[] = [];
  for (let e: Entry | undefined = from; e !== undefined && e.hex !== fork?.hex; e = e.parent)
    disconnect.push(e);
  return { disconnect, connect: connect.reverse() };
}
