// Undo records (PROTOCOL.md §9.2): the prior value, or absence, of every key
// a block changed, replayed in reverse to disconnect it.
import { Reader, Writer } from '../protocol/codec.js';
import type { WritableTable } from '../storage/db.js';
import type { UndoEntry } from './view.js';

const MAX_KEY = 64;
const MAX_VALUE = 1 << 20;

export function encodeUndo(entries: readonly UndoEntry[]): Uint8Array {
  const w = new Writer().varint(entries.length);
  for (const e of entries) {
    w.bytesOf(e.key, MAX_KEY);
    if (e.prior === undefined) w.u8(0);
    else w.u8(1).bytesOf(e.prior, MAX_VALUE);
  }
  return w.finish();
}

export function decodeUndo(bytes: Uint8Array): UndoEntry[] {
  const r = new Reader(bytes);
  const count = r.varint(Number.MAX_SAFE_INTEGER, 'undo entries');
  const entries: UndoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const key = r.bytesOf(MAX_KEY, 'undo key');
    entries.push({
      key,
      prior: r.flag([0, 1], 'present') === 1 ? r.bytesOf(MAX_VALUE, 'undo value') : undefined,
    });
  }
  r.end('undo');
  return entries;
}

/** Restores every key to its prior value, last change first. */
export function applyUndo(state: WritableTable, entries: readonly UndoEntry[]): void {
  for (let i = entries.length - 1; i >= 0; i--) {
    const { key, prior } = entries[i]!;
    if (prior === undefined) state.remove(key);
    else state.put(key, prior);
  }
}
