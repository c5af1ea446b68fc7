// Canonical encoding (PROTOCOL.md §2.1): fixed-width little-endian integers,
// Bitcoin CompactSize varints in their shortest form, length-prefixed bytes,
// strict UTF-8 strings and counted lists, every length checked against its
// maximum before anything is allocated. A decoder that meets truncation,
// a non-minimal varint, an oversized length or bad UTF-8 throws a RuleError.
import { RuleError } from './errors.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

export class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.at;
  }

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private need(n: number, what: string): number {
    if (n > this.remaining) {
      throw new RuleError('bad-encoding', { what, need: n, have: this.remaining });
    }
    const start = this.at;
    this.at += n;
    return start;
  }

  u8(what = 'u8'): number {
    return this.view.getUint8(this.need(1, what));
  }

  u16(what = 'u16'): number {
    return this.view.getUint16(this.need(2, what), true);
  }

  u32(what = 'u32'): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  u64(what = 'u64'): bigint {
    return this.view.getBigUint64(this.need(8, what), true);
  }

  u128(what = 'u128'): bigint {
    const at = this.need(16, what);
    return this.view.getBigUint64(at, true) | (this.view.getBigUint64(at + 8, true) << 64n);
  }

  /** A flag byte that must be one of `allowed` (`bad-flag`). */
  flag(allowed: readonly number[], what: string): number {
    const value = this.u8(what);
    if (!allowed.includes(value)) throw new RuleError('bad-flag', { what, value });
    return value;
  }

  /** Exactly n bytes, copied. */
  fixed(n: number, what = 'bytes'): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.slice(at, at + n);
  }

  /** Bitcoin CompactSize, shortest form only, at most `max` (`oversize`). */
  varint(max: number, what = 'varint'): number {
    const first = this.u8(what);
    let value: bigint;
    let minimum: bigint;
    if (first < 0xfd) return checkMax(first, max, what);
    if (first === 0xfd) {
      value = BigInt(this.u16(what));
      minimum = 0xfdn;
    } else if (first === 0xfe) {
      value = BigInt(this.u32(what));
      minimum = 0x10000n;
    } else {
      value = this.u64(what);
      minimum = 0x100000000n;
    }
    if (value < minimum) throw new RuleError('non-minimal-varint', { what, value: value.toString() });
    if (value > BigInt(max)) throw new RuleError('oversize', { what, length: value.toString(), max });
    return Number(value);
  }

  /** bytes(max): varint length ‖ bytes. */
  bytesOf(max: number, what = 'bytes'): Uint8Array {
    return this.fixed(this.varint(max, what), what);
  }

  /** string(max): bytes(max) holding valid UTF-8 (RFC 3629: no overlong forms, no surrogates). */
  string(max: number, what = 'string'): string {
    const raw = this.bytesOf(max, what);
    try {
      return UTF8.decode(raw);
    } catch {
      throw new RuleError('bad-utf8', { what });
    }
  }

  /** list(max): varint count ‖ items. */
  list<T>(max: number, item: (r: Reader, index: number) => T, what = 'list'): T[] {
    const count = this.varint(max, what);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(this, i));
    return out;
  }

  /** Throws `trailing-bytes` unless every byte was consumed. */
  end(what = 'object'): void {
    if (this.remaining !== 0) throw new RuleError('trailing-bytes', { what, extra: this.remaining });
  }
}

function checkMax(value: number, max: number, what: string): number {
  if (value > max) throw new RuleError('oversize', { what, length: value, max });
  return value;
}

/**
 * Builds an encoding into one growing buffer; sizes are computed by the same
 * calls (see `encodedLength`). Every field is written in place: encoding runs
 * for each transaction id, size check and block, so it must not allocate per field.
 */
export class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** Room for `extra` more bytes; returns where they start. */
  private reserve(extra: number): number {
    const at = this.size;
    const needed = at + extra;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.size = needed;
    return at;
  }

  u8(value: number): this {
    checkRange(value, 0xff, 'u8');
    const at = this.reserve(1); // before reading this.buffer: reserving may replace it
    this.buffer[at] = value;
    return this;
  }

  u16(value: number): this {
    checkRange(value, 0xffff, 'u16');
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  u32(value: number): this {
    checkRange(value, 0xffffffff, 'u32');
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
    return this;
  }

  u64(value: bigint): this {
    if (value < 0n || value > U64_MAX) throw new RangeError(`u64 out of range: ${value}`);
    const at = this.reserve(8);
    this.view.setBigUint64(at, value, true);
    return this;
  }

  u128(value: bigint): this {
    if (value < 0n || value > U128_MAX) throw new RangeError(`u128 out of range: ${value}`);
    const at = this.reserve(16);
    this.view.setBigUint64(at, value & U64_MAX, true);
    this.view.setBigUint64(at + 8, value >> 64n, true);
    return this;
  }

  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length) throw new RangeError(`expected ${length} bytes, got ${bytes.length}`);
    return this.raw(bytes);
  }

  varint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
    if (value < 0xfd) return this.u8(value);
    if (value <= 0xffff) return this.u8(0xfd).u16(value);
    if (value <= 0xffffffff) return this.u8(0xfe).u32(value);
    return this.u8(0xff).u64(BigInt(value));
  }

  bytesOf(bytes: Uint8Array, max: number): this {
    if (bytes.length > max) throw new RangeError(`${bytes.length} bytes exceed the maximum ${max}`);
    return this.varint(bytes.length).raw(bytes);
  }

  string(text: string, max: number): this {
    return this.bytesOf(UTF8_ENCODER.encode(text), max);
  }

  list<T>(items: readonly T[], max: number, item: (w: Writer, value: T) => void): this {
    if (items.length > max) throw new RangeError(`${items.length} items exceed the maximum ${max}`);
    this.varint(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
    return this;
  }

  /** The encoding: a copy, so later writes cannot change it. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.size);
  }
}

function checkRange(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${what} out of range: ${value}`);
}

/** The encoded size of a varint. */
export function varintLength(value: number): number {
  return value < 0xfd ? 1 : value <= 0xffff ? 3 : value <= 0xffffffff ? 5 : 9;
}
