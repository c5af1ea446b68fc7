// Blocks as the chain stores them (storage/layout.ts, `blocks`): a kind byte
// (0 key, 1 micro) ‖ the block's own encoding.
import { decodeKeyBlock, encodeKeyBlock, keyBlockId, type KeyBlock } from '../protocol/key-block.js';
import { decodeMicroblock, encodeMicroblock, microblockId, type Microblock } from '../protocol/microblock.js';

export type AnyBlock =
  { readonly kind: 'key'; readonly block: KeyBlock } | { readonly kind: 'micro'; readonly block: Microblock };

export function blockId(block: AnyBlock): Uint8Array {
  return block.kind === 'key' ? keyBlockId(block.block.header) : microblockId(block.block.header);
}

export function encodeStoredBlock(block: AnyBlock): Uint8Array {
  const encoded = block.kind === 'key' ? encodeKeyBlock(block.block) : encodeMicroblock(block.block);
  const out = new Uint8Array(1 + encoded.length);
  out[0] = block.kind === 'key' ? 0 : 1;
  out.set(encoded, 1);
  return out;
}

export function decodeStoredBlock(bytes: Uint8Array): AnyBlock {
  const body = bytes.subarray(1);
  return bytes[0] === 0
    ? { kind: 'key', block: decodeKeyBlock(body) }
    : { kind: 'micro', block: decodeMicroblock(body) };
}
