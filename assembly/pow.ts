// Nonce search over the 80-byte header in HEADER against TARGET, so the hot
// loop never leaves WASM. Each scan returns the offset i of the first nonce
// (start + i) whose hash ≤ target, or NOT_FOUND; the hash of the last header
// tried is left in POW_HASH. Offsets rather than nonces are returned so the
// result fits an i32 with a marker that no nonce can collide with.
import { HEADER, HEADER_LENGTH, NONCE_OFFSET, POW_HASH, TARGET } from './memory';
import { sha256d } from './sha256';
import { sha256dHeaderPrepare, sha256dHeaderTop, sha256dHeaderTopX4 } from './sha256x4';
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

/**
 * SHA-256d nonce scan: LE256(sha256d(header)) ≤ target, same contract as
 * scanNonces. POW_HASH holds the hash of the hit; after NOT_FOUND it holds
 * nothing meaningful. A nonce passes a cheap filter first (the hash's top 32
 * bits ≤ the target's) and only then is hashed in full and compared, so the
 * filter never decides a hit on its own.
 */
export function scanSha256dNonces(start: u32, count: i32): i32 {
  if (count <= 0) return NOT_FOUND;
  sha256dHeaderPrepare(HEADER);
  const top = load<u32>(TARGET + 28);
  if (ASC_FEATURE_SIMD) {
    const tops = i32x4.splat(top);
    // u32 offsets: with count near 2^31, i32 would overflow on the last step.
    for (let i: u32 = 0; i < <u32>count; i += 4) {
      const pass = i32x4.le_u(sha256dHeaderTopX4(start + i), tops);
      if (!v128.any_true(pass)) continue;
      // Lanes in nonce order, so the first hit wins; lanes past `count` are not ours.
      const lanes = min<u32>(4, <u32>count - i);
      const mask = i32x4.bitmask(pass);
      for (let lane: u32 = 0; lane < lanes; lane++) {
        if ((mask >> lane) & 1 && confirmSha256d(start + i + lane)) return <i32>(i + lane);
      }
    }
  } else {
    for (let i: i32 = 0; i < count; i++) {
      if (sha256dHeaderTop(start + <u32>i) <= top && confirmSha256d(start + <u32>i)) return i;
    }
  }
  return NOT_FOUND;
}

/** Hashes HEADER with `nonce` in full into POW_HASH; true if it meets TARGET. */
function confirmSha256d(nonce: u32): bool {
  store<u32>(HEADER + NONCE_OFFSET, nonce);
  sha256d(HEADER, HEADER_LENGTH, POW_HASH);
  return meetsTarget(POW_HASH, TARGET);
}
