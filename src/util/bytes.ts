// Byte helpers every module may use: equality and lowercase hex (ids display as
// hex of the raw bytes, not reversed: PROTOCOL.md §2.2).

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The bytes of a hex string; the caller checks the string's form (length, digits) first. */
export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** The big-endian u128 at `at` of `bytes`: index totals store amounts so (byte order = numeric order). */
export function readU128be(bytes: Uint8Array, at = 0): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, 16);
  return (view.getBigUint64(0) << 64n) | view.getBigUint64(8);
}

/** `value` (< 2^128) as 16 big-endian bytes. */
export function u128beBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, value >> 64n);
  view.setBigUint64(8, value & 0xffff_ffff_ffff_ffffn);
  return out;
}
