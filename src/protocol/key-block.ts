// Key blocks (PROTOCOL.md §3.2): Bitcoin's 80-byte header ‖ a 104-byte body.
// The header's root is H2(body), the one leaf of v1's Merkle tree; the id is
// H2(header), displayed as hex of the raw bytes (§2.2).
import { sha256, sha256d } from '../crypto/hash.js';
import { Reader, Writer } from './codec.js';
import { RuleError } from './errors.js';
import type { NetworkParams } from './params.js';
import { fromHex } from '../util/bytes.js';

export const KEY_HEADER_LENGTH = 80;
export const KEY_BODY_LENGTH = 104;
export const KEY_BLOCK_LENGTH = KEY_HEADER_LENGTH + KEY_BODY_LENGTH;

export interface KeyBlockHeader {
  readonly version: number;
  readonly prev: Uint8Array;
  readonly root: Uint8Array;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
}

export interface KeyBlockBody {
  readonly magic: Uint8Array;
  readonly height: bigint;
  readonly leaderKey: Uint8Array;
  readonly payout: Uint8Array;
  readonly extranonce: Uint8Array;
  readonly aux: Uint8Array;
}

export interface KeyBlock {
  readonly header: KeyBlockHeader;
  readonly body: KeyBlockBody;
}

export function encodeKeyBlockHeader(header: KeyBlockHeader): Uint8Array {
  return new Writer()
    .u32(header.version)
    .fixed(header.prev, 32)
    .fixed(header.root, 32)
    .u32(header.time)
    .u32(header.bits)
    .u32(header.nonce)
    .finish();
}

export function encodeKeyBlockBody(body: KeyBlockBody): Uint8Array {
  return new Writer()
    .fixed(body.magic, 4)
    .u64(body.height)
    .fixed(body.leaderKey, 32)
    .fixed(body.payout, 20)
    .fixed(body.extranonce, 8)
    .fixed(body.aux, 32)
    .finish();
}

export function encodeKeyBlock(block: KeyBlock): Uint8Array {
  return new Writer().raw(encodeKeyBlockHeader(block.header)).raw(encodeKeyBlockBody(block.body)).finish();
}

export function keyBlockEncodedLength(): number {
  return KEY_BLOCK_LENGTH;
}

function readHeader(r: Reader): KeyBlockHeader {
  return {
    version: r.u32('version'),
    prev: r.fixed(32, 'prev'),
    root: r.fixed(32, 'root'),
    time: r.u32('time'),
    bits: r.u32('bits'),
    nonce: r.u32('nonce'),
  };
}

function readBody(r: Reader): KeyBlockBody {
  return {
    magic: r.fixed(4, 'magic'),
    height: r.u64('height'),
    leaderKey: r.fixed(32, 'leader_key'),
    payout: r.fixed(20, 'payout'),
    extranonce: r.fixed(8, 'extranonce'),
    aux: r.fixed(32, 'aux'),
  };
}

/** Decodes exactly 184 bytes (`oversize` for more, `bad-encoding` for fewer). */
export function decodeKeyBlock(bytes: Uint8Array): KeyBlock {
  if (bytes.length > KEY_BLOCK_LENGTH) {
    throw new RuleError('oversize', { what: 'key block', length: bytes.length, max: KEY_BLOCK_LENGTH });
  }
  const r = new Reader(bytes);
  const block = { header: readHeader(r), body: readBody(r) };
  r.end('key block');
  return block;
}

export function keyBlockId(header: KeyBlockHeader): Uint8Array {
  return sha256d(encodeKeyBlockHeader(header));
}

export function keyBlockRoot(body: KeyBlockBody): Uint8Array {
  return sha256d(encodeKeyBlockBody(body));
}

/** alloc = u8 count ‖ count × (account [20] ‖ amount u128), sorted by account (§1.3). */
export function encodeAllocations(params: NetworkParams): Uint8Array {
  // Lowercase hex compares in byte order.
  const sorted = [...params.genesis.allocations].sort((a, b) =>
    a.account < b.account ? -1 : a.account > b.account ? 1 : 0,
  );
  const w = new Writer().u8(sorted.length);
  for (const allocation of sorted) w.fixed(fromHex(allocation.account), 20).u128(allocation.amount);
  return w.finish();
}

/** The genesis key block of a network (§1.3): valid by definition. */
export function genesisBlock(params: NetworkParams): KeyBlock {
  const body: KeyBlockBody = {
    magic: params.magic,
    height: 0n,
    leaderKey: new Uint8Array(32),
    payout: new Uint8Array(20),
    extranonce: new Uint8Array(8),
    aux: sha256(encodeAllocations(params)),
  };
  const header: KeyBlockHeader = {
    version: 1,
    prev: new Uint8Array(32),
    root: keyBlockRoot(body),
    time: params.genesis.time,
    bits: params.genesis.bits,
    nonce: 0,
  };
  return { header, body };
}
