// Microblocks (PROTOCOL.md §3.3): a 124-byte unsigned header, the leader's
// signature, the activation section (§5.4) and the transactions. The id is
// H2(header); everything outside the header is bound to it only through
// tx_root, act_hash and tx_count, which consensus checks (`mutated`).
import { sha256d } from '../crypto/hash.js';
import { Reader, Writer } from './codec.js';
import { RuleError } from './errors.js';
import { MICRO_HEADER_LENGTH, encodeTx, readTx, type Tx } from './tx.js';

export { MICRO_HEADER_LENGTH };
export const MAX_MICROBLOCK_BYTES = 1_000_000;
export const MAX_MICROBLOCK_TXS = 10_000;
export const MAX_ACTIVATION_ENTRIES = 255;

export interface MicroblockHeader {
  readonly version: number;
  readonly prev: Uint8Array;
  readonly keyHeight: bigint;
  readonly seq: number;
  readonly timeMs: bigint;
  readonly txRoot: Uint8Array;
  readonly txCount: number;
  readonly actHash: Uint8Array;
}

export interface ActivationEntry {
  readonly index: number;
  readonly validatorKey: Uint8Array;
  readonly sig: Uint8Array;
}

export interface Microblock {
  readonly header: MicroblockHeader;
  readonly leaderSig: Uint8Array;
  readonly activation: readonly ActivationEntry[];
  readonly txs: readonly Tx[];
}

export function encodeMicroblockHeader(h: MicroblockHeader): Uint8Array {
  return new Writer()
    .u32(h.version)
    .fixed(h.prev, 32)
    .u64(h.keyHeight)
    .u32(h.seq)
    .u64(h.timeMs)
    .fixed(h.txRoot, 32)
    .u32(h.txCount)
    .fixed(h.actHash, 32)
    .finish();
}

/** The activation section: u8 count ‖ count × (index u8 ‖ validator_key [32] ‖ sig [64]); empty = 0x00. */
export function encodeActivation(entries: readonly ActivationEntry[]): Uint8Array {
  if (entries.length > MAX_ACTIVATION_ENTRIES) throw new RangeError('too many activation entries');
  const w = new Writer().u8(entries.length);
  for (const e of entries) w.u8(e.index).fixed(e.validatorKey, 32).fixed(e.sig, 64);
  return w.finish();
}

export function encodeMicroblock(block: Microblock): Uint8Array {
  const w = new Writer()
    .raw(encodeMicroblockHeader(block.header))
    .fixed(block.leaderSig, 64)
    .raw(encodeActivation(block.activation))
    .varint(block.txs.length);
  for (const tx of block.txs) w.raw(encodeTx(tx));
  return w.finish();
}

export function microblockEncodedLength(block: Microblock): number {
  return encodeMicroblock(block).length;
}

function readHeader(r: Reader): MicroblockHeader {
  return {
    version: r.u32('version'),
    prev: r.fixed(32, 'prev'),
    keyHeight: r.u64('key_height'),
    seq: r.u32('seq'),
    timeMs: r.u64('time_ms'),
    txRoot: r.fixed(32, 'tx_root'),
    txCount: r.u32('tx_count'),
    actHash: r.fixed(32, 'act_hash'),
  };
}

/** Decodes exactly one 124-byte unsigned header (a Poison proof carries two, §4.12). */
export function decodeMicroblockHeader(bytes: Uint8Array): MicroblockHeader {
  const r = new Reader(bytes);
  const header = readHeader(r);
  r.end('microblock header');
  return header;
}

/** Decodes a whole microblock; sizes over §3.3's limits are refused before the transactions are read. */
export function decodeMicroblock(bytes: Uint8Array): Microblock {
  if (bytes.length > MAX_MICROBLOCK_BYTES) {
    // §3.3 rule 1's own code: the size rule is checked before anything is read.
    throw new RuleError('microblock-too-large', { length: bytes.length, max: MAX_MICROBLOCK_BYTES });
  }
  const r = new Reader(bytes);
  const header = readHeader(r);
  const leaderSig = r.fixed(64, 'leader_sig');
  const count = r.u8('activation count');
  const activation: ActivationEntry[] = [];
  for (let i = 0; i < count; i++) {
    activation.push({
      index: r.u8('index'),
      validatorKey: r.fixed(32, 'validator_key'),
      sig: r.fixed(64, 'endorsement sig'),
    });
  }
  const txs = r.list(MAX_MICROBLOCK_TXS, (lr) => readTx(lr), 'transactions');
  r.end('microblock');
  return { header, leaderSig, activation, txs };
}

export function microblockId(header: MicroblockHeader): Uint8Array {
  return sha256d(encodeMicroblockHeader(header));
}

/** MR(leaves) (§2.2): none → 32 zero bytes; one → the leaf; else pairs H2(a ‖ b), the last duplicated when odd. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  let level = leaves.slice();
  const pair = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      pair.set(level[i]!, 0);
      pair.set(level[i + 1] ?? level[i]!, 32);
      next.push(sha256d(pair));
    }
    level = next;
  }
  return level[0]!;
}
