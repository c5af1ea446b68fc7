// The state digest (PROTOCOL.md §9.3): SHA-256 over every entry in ascending
// key order, each as varint(len key) ‖ key ‖ varint(len value) ‖ value.
import { sha256OfChunks } from '../crypto/hash.js';
import { Writer } from '../protocol/codec.js';
import type { Table } from '../storage/db.js';

function* entryBytes(state: Table): Generator<Uint8Array> {
  for (const { key, value } of state.range()) {
    yield new Writer().varint(key.length).raw(key).varint(value.length).raw(value).finish();
  }
}

export function stateDigest(state: Table): Uint8Array {
  return sha256OfChunks(entryBytes(state));
}
