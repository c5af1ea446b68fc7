// Request/response messages of PROTOCOL.md §10.3 and their framing: each
// message is `varint len ‖ bytes` (the §2.1 CompactSize), one request per
// stream. Lengths are checked before anything is allocated.
import type { ByteStream } from 'it-byte-stream';
import type { AnyBlock } from '../chain/block-store.js';
import { Reader, Writer } from '../protocol/codec.js';
import { RuleError } from '../protocol/errors.js';
import { decodeKeyBlock } from '../protocol/key-block.js';
import { decodeMicroblock } from '../protocol/microblock.js';

export const STATUS_LENGTH = 108;
/** The default BOOTSTRAP_MIN_VALIDATOR_STAKE of regtest (§12): a status without the extension means it. */
export const DEFAULT_BOOTSTRAP_STAKE = (1n << 128n) - 1n;
/** §10.3's status, or it followed by u128 bootstrap_min_validator_stake when that is not the default (decision 135). */
export const MAX_STATUS_LENGTH = STATUS_LENGTH + 16;
export const MAX_RANGE_EPOCHS = 64;
export const MAX_IDS = 64;
/** A block message: kind u8 ‖ the largest block (a microblock of 1,000,000 bytes). */
export const MAX_BLOCK_MESSAGE = 1_000_001;
/** A response stays within this, exceeding it only to finish a key block and its activation microblock. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const UNKNOWN_BLOCK = 0xff;
/** Key block tip: tip_seq is 0xffffffff (§10.3). */
export const KEY_TIP_SEQ = 0xffffffff;

export interface Status {
  readonly genesisId: Uint8Array;
  readonly tipId: Uint8Array;
  readonly tipKeyHeight: bigint;
  readonly tipSeq: number;
  readonly chainWork: bigint;
  /**
   * The sender's BOOTSTRAP_MIN_VALIDATOR_STAKE (§1.2); DEFAULT_BOOTSTRAP_STAKE
   * when left out, and then not on the wire, so §10.3's 108 bytes are unchanged.
   */
  readonly bootstrapStake?: bigint;
}

export function encodeStatus(s: Status): Uint8Array {
  const work = new Uint8Array(32);
  let w = s.chainWork;
  for (let i = 0; i < 32; i++, w >>= 8n) work[i] = Number(w & 0xffn);
  const writer = new Writer()
    .fixed(s.genesisId, 32)
    .fixed(s.tipId, 32)
    .u64(s.tipKeyHeight)
    .u32(s.tipSeq)
    .fixed(work, 32);
  const stake = s.bootstrapStake ?? DEFAULT_BOOTSTRAP_STAKE;
  if (stake !== DEFAULT_BOOTSTRAP_STAKE) writer.u128(stake);
  return writer.finish();
}

export function decodeStatus(bytes: Uint8Array): Status {
  const r = new Reader(bytes);
  const genesisId = r.fixed(32, 'genesis_id');
  const tipId = r.fixed(32, 'tip_id');
  const tipKeyHeight = r.u64('tip_key_height');
  const tipSeq = r.u32('tip_seq');
  const work = r.fixed(32, 'chain_work');
  // Decision 135: a missing field is the default; one that spells the default is non-canonical.
  const bootstrapStake =
    bytes.length >= MAX_STATUS_LENGTH ? r.u128('bootstrap_min_validator_stake') : undefined;
  r.end('status');
  if (bootstrapStake === DEFAULT_BOOTSTRAP_STAKE) {
    throw new RuleError('bad-encoding', {
      what: 'bootstrap_min_validator_stake',
      reason: 'the default is left out',
    });
  }
  let chainWork = 0n;
  for (let i = 31; i >= 0; i--) chainWork = (chainWork << 8n) | BigInt(work[i]!);
  return {
    genesisId,
    tipId,
    tipKeyHeight,
    tipSeq,
    chainWork,
    bootstrapStake: bootstrapStake ?? DEFAULT_BOOTSTRAP_STAKE,
  };
}

export interface RangeRequest {
  readonly keyHeight: bigint;
  /** 0: the key block; i: microblock seq i−1. */
  readonly startIndex: number;
  readonly maxEpochs: number;
}

export function encodeRangeRequest(r: RangeRequest): Uint8Array {
  return new Writer().u64(r.keyHeight).u32(r.startIndex).u32(r.maxEpochs).finish();
}

export function decodeRangeRequest(bytes: Uint8Array): RangeRequest {
  const r = new Reader(bytes);
  const request = {
    keyHeight: r.u64('key_height'),
    startIndex: r.u32('start_index'),
    maxEpochs: r.u32('max_epochs'),
  };
  r.end('blocks-by-range request');
  if (request.maxEpochs < 1 || request.maxEpochs > MAX_RANGE_EPOCHS) {
    throw new RuleError('bad-encoding', { what: 'max_epochs', value: request.maxEpochs });
  }
  return request;
}

export function encodeIdsRequest(ids: readonly Uint8Array[]): Uint8Array {
  return new Writer().list(ids, MAX_IDS, (w, id) => w.fixed(id, 32)).finish();
}

export function decodeIdsRequest(bytes: Uint8Array): Uint8Array[] {
  const r = new Reader(bytes);
  const ids = r.list(MAX_IDS, (lr) => lr.fixed(32, 'id'), 'ids');
  r.end('blocks-by-id request');
  return ids;
}

export type BlockMessage =
  { readonly kind: 'key' | 'micro'; readonly bytes: Uint8Array } | { readonly kind: 'unknown' };

export function encodeBlockMessage(message: BlockMessage): Uint8Array {
  if (message.kind === 'unknown') return Uint8Array.of(UNKNOWN_BLOCK);
  const out = new Uint8Array(1 + message.bytes.length);
  out[0] = message.kind === 'key' ? 0 : 1;
  out.set(message.bytes, 1);
  return out;
}

export function decodeBlockMessage(bytes: Uint8Array): BlockMessage {
  if (bytes.length === 1 && bytes[0] === UNKNOWN_BLOCK) return { kind: 'unknown' };
  if (bytes.length < 2 || (bytes[0] !== 0 && bytes[0] !== 1)) {
    throw new RuleError('bad-encoding', { what: 'block message', length: bytes.length });
  }
  return { kind: bytes[0] === 0 ? 'key' : 'micro', bytes: bytes.subarray(1) };
}

/** The block a message carries; a RuleError if its bytes do not decode. */
export function blockOfMessage(message: Exclude<BlockMessage, { kind: 'unknown' }>): AnyBlock {
  return message.kind === 'key'
    ? { kind: 'key', block: decodeKeyBlock(message.bytes) }
    : { kind: 'micro', block: decodeMicroblock(message.bytes) };
}

/** `varint len ‖ bytes`. */
export function frame(bytes: Uint8Array): Uint8Array {
  const prefix = new Writer().varint(bytes.length).finish();
  const out = new Uint8Array(prefix.length + bytes.length);
  out.set(prefix);
  out.set(bytes, prefix.length);
  return out;
}

/** Reads one framed message of at most `max` bytes; null at a clean end of stream. */
export async function readFrame(
  stream: ByteStream,
  max: number,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array | null> {
  const first = await stream.read({ bytes: 1, ...options }).catch((error: unknown) => {
    if (isEndOfStream(error)) return null;
    throw error;
  });
  if (first === null) return null;
  const tag = first.get(0);
  const width = tag < 0xfd ? 0 : tag === 0xfd ? 2 : tag === 0xfe ? 4 : 8;
  let length = tag;
  if (width > 0) {
    const rest = (await stream.read({ bytes: width, ...options })).subarray();
    const r = new Reader(Uint8Array.of(tag, ...rest));
    length = r.varint(Number.MAX_SAFE_INTEGER, 'frame length');
  }
  if (length > max) throw new RuleError('oversize', { what: 'frame', length, max });
  if (length === 0) return new Uint8Array();
  return (await stream.read({ bytes: length, ...options })).subarray();
}

function isEndOfStream(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'UnexpectedEOFError' || /end of|unexpected eof/i.test(error.message))
  );
}
