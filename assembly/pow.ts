// Nonce search over the 80-byte header in HEADER against TARGET, so the hot
// loop never leaves WASM. Each scan returns the offset i of the first nonce
// (start + i) whose hash ≤ target, or NOT_FOUND; the hash of the last header
// tried is left in POW_HASH. Offsets rather than nonces are returned so the
// result fits an i32 with a marker that no nonce can collide with.
import { HEADER, HEADER_LENGTH, NONCE_OFFSET, POW_HASH, TARGET } from './memory';
import { yespowerHash } from './yespower';

export const NOT_FOUND: i32 = -1;

/** LE256(hash) ≤ LE256(target), most significant 64-bit word first. */
@inline
export function meetsTarget(hash: usize, target: usize): bool {
  for (let at: i32 = 24; at >= 0; at -= 8) {
    const h = load<u64>(hash + at);
    const t = load<u64>(target + at);
    if (h != t) return h < t;
  }
  return true;
}

/** yespower nonce scan with the parameters set by yespowerSetParams. */
export function scanNonces(start: u32, count: i32): i32 {
  for (let i: i32 = 0; i < count; i++) {
    store<u32>(HEADER + NONCE_OFFSET, start + <u32>i);
    yespowerHash(HEADER, HEADER_LENGTH, POW_HASH);
    if (meetsTarget(POW_HASH, TARGET)) return i;
  }
  return NOT_FOUND;
}
