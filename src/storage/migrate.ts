// Schema 1 → 2: build the block index (layout.ts, `index`) from the stored
// blocks, parents before children. Reads only the fixed-offset header fields
// of PROTOCOL.md §3.2 and §3.3 (kind, prev, the bytes an id hashes): linear in
// the number of blocks, once.
import { sha256d } from '../crypto/hash.js';
import type { Tables, WritableTable } from './db.js';
import { appendIndexRecord } from './index-record.js';

const KEY_BLOCK_LENGTH = 184;
const KEY_HEADER_LENGTH = 80;
const MICRO_HEADER_LENGTH = 124;
/** Both headers carry prev at bytes 4–36. */
const PREV = [4, 36] as const;
/** Schema 1 knew only bootstrap activation (§5.1). */
const BOOTSTRAP = 1;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export function migrateToIndex(tables: Tables<WritableTable>): void {
  const children = new Map<string, { id: Uint8Array; kind: 'key' | 'micro'; bytes: Uint8Array }[]>();
  for (const { value } of tables.blocks.range()) {
    const kind = value[0] === 0 ? 'key' : 'micro';
    const bytes = value.slice(1, 1 + (kind === 'key' ? KEY_BLOCK_LENGTH : MICRO_HEADER_LENGTH));
    const id = sha256d(bytes.subarray(0, kind === 'key' ? KEY_HEADER_LENGTH : MICRO_HEADER_LENGTH));
    const prev = hex(bytes.subarray(...PREV));
    const siblings = children.get(prev) ?? [];
    siblings.push({ id, kind, bytes });
    children.set(prev, siblings);
  }
  // Genesis is the key block whose prev is 32 zero bytes (§1.3).
  const queue = [...(children.get('00'.repeat(32)) ?? [])];
  for (let at = 0; at < queue.length; at++) {
    const block = queue[at]!;
    appendIndexRecord(tables.meta, tables.index, {
      kind: block.kind,
      activation: block.kind === 'key' ? BOOTSTRAP : 0,
      bytes: block.bytes,
    });
    queue.push(...(children.get(hex(block.id)) ?? []));
  }
}
