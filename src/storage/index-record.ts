// The block index records of storage/layout.ts (`index`): what the chain needs
// to rebuild its in-memory index in one pass without reading block bodies.
import { META_INDEX_NEXT } from './layout.js';
import type { Table, WritableTable } from './db.js';

export interface IndexRecord {
  readonly kind: 'key' | 'micro';
  /** §9.1 0x12 values: 0 endorsed, 1 bootstrap, 2 fallback; 0 for a microblock. */
  readonly activation: number;
  /** A key block's 184 bytes, or a microblock's 124-byte unsigned header. */
  readonly bytes: Uint8Array;
}

const NEXT_KEY = new TextEncoder().encode(META_INDEX_NEXT);

export function encodeIndexRecord(record: IndexRecord): Uint8Array {
  const out = new Uint8Array(2 + record.bytes.length);
  out[0] = record.kind === 'key' ? 0 : 1;
  out[1] = record.activation;
  out.set(record.bytes, 2);
  return out;
}

export function decodeIndexRecord(value: Uint8Array): IndexRecord {
  return { kind: value[0] === 0 ? 'key' : 'micro', activation: value[1]!, bytes: value.subarray(2) };
}

function numberKey(n: number): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, BigInt(n));
  return key;
}

/** How many records the index holds. */
export function indexSize(meta: Table): number {
  const stored = meta.get(NEXT_KEY);
  return stored === undefined ? 0 : Number(new DataView(stored.buffer, stored.byteOffset).getBigUint64(0));
}

/** Appends a record: numbered after every record already there, so parents come first. */
export function appendIndexRecord(meta: WritableTable, index: WritableTable, record: IndexRecord): void {
  const n = indexSize(meta);
  index.put(numberKey(n), encodeIndexRecord(record));
  meta.put(NEXT_KEY, numberKey(n + 1));
}
