// Batch verification under ZIP-215 by a random linear combination: for items
// i with 128-bit random z_i (drawn by the caller from a CSPRNG),
//
//   [8]( Σ z_i·R_i + Σ (z_i·k_i)·A_i − (Σ z_i·S_i)·B ) = identity
//
// holds when every item satisfies its own cofactored equation, and fails
// with probability about 2^−128 otherwise, so a batch answers exactly as the
// items' single verifications would. The sum is one multi-scalar
// multiplication (Straus: width-5 NAF and odd-multiple tables per point, B in
// width 7 from its fixed table, one
// shared doubling chain). A failing range is split by the caller to find the
// bad items.
//
// Items are staged one call at a time into the arena (after yespower's V
// would sit; the two never run in the same call):
//   record i at ARENA + i·RECORD:
//     R point [160] ‖ A point [160] ‖ z [32] ‖ z·k mod L [32] ‖ S [32] ‖ status u32
//   then, for the points of one verified range, NAF digits and tables.
import { arenaStart, reserveArena } from '../memory';
import { BASE, BASE_ODD, BASE_WIDTH, naf, oddMultiples, prepareBase } from './scalarmult';
import {
  CACHED_SIZE,
  POINT_SIZE,
  pointAdd,
  pointDecode,
  pointDouble,
  pointIdentity,
  pointIsIdentity,
  pointMulByCofactor,
  pointNegate,
  pointSub,
  pointToCached,
} from './point';
import { scIsCanonical, scMulAdd, scReduce } from './scalar';
import { challengeHash } from './verify';

const RECORD: usize = 2 * POINT_SIZE + 3 * 32 + 16;
const OFF_R: usize = 0;
const OFF_A: usize = POINT_SIZE;
const OFF_Z: usize = 2 * POINT_SIZE;
const OFF_ZK: usize = 2 * POINT_SIZE + 32;
const OFF_S: usize = 2 * POINT_SIZE + 64;
const OFF_STATUS: usize = 2 * POINT_SIZE + 96;

const NAF_BYTES: usize = 272; // 257 digits, rounded up
const PER_POINT: usize = NAF_BYTES + 8 * CACHED_SIZE;

export const MAX_BATCH: i32 = 4096;

let capacity: i32 = 0;
let count: i32 = 0;

const HASH: usize = memory.data(64, 16);
const K: usize = memory.data(32, 16);
const ZERO: usize = memory.data(32, 16);
const SUM_S: usize = memory.data(32, 16);
const NAF_B: usize = memory.data(<i32>NAF_BYTES, 16);
const ACC: usize = memory.data(<i32>POINT_SIZE, 16);

@inline
function record(i: i32): usize {
  return arenaStart() + <usize>i * RECORD;
}

@inline
function scratch(i: i32): usize {
  return arenaStart() + <usize>capacity * RECORD + <usize>i * PER_POINT;
}

/** Starts a batch of up to `n` items; returns 0 if n is out of range or memory cannot grow. */
export function batchBegin(n: i32): i32 {
  if (n < 1 || n > MAX_BATCH) return 0;
  if (!reserveArena(<usize>n * (RECORD + 2 * PER_POINT))) return 0;
  capacity = n;
  count = 0;
  return 1;
}

/**
 * Stages the next item: signature[64], public key[32], z[16] (little-endian,
 * nonzero) and the message. Returns 1 if it passed the per-item checks (S < L,
 * R and A decode), 0 if it is invalid on its own (and is left out of every sum).
 */
export function batchPush(signature: usize, publicKey: usize, z: usize, message: usize, length: usize): i32 {
  if (count >= capacity) return 0;
  const r = record(count++);
  memory.fill(r + OFF_Z, 0, 32);
  memory.copy(r + OFF_Z, z, 16);
  memory.copy(r + OFF_S, signature + 32, 32);
  let ok =
    scIsCanonical(signature + 32) && pointDecode(r + OFF_A, publicKey) && pointDecode(r + OFF_R, signature);
  if (ok) {
    challengeHash(HASH, signature, publicKey, message, length);
    scReduce(K, HASH);
    scMulAdd(r + OFF_ZK, r + OFF_Z, K, ZERO);
  }
  store<u32>(r + OFF_STATUS, ok ? 1 : 0);
  return ok ? 1 : 0;
}

/**
 * 1 if the items in [from, to) that passed batchPush satisfy the combined
 * equation, else 0. Straus for small ranges, Pippenger's buckets from
 * PIPPENGER_FROM items on: the crossover measured with `npm run bench`.
 */
export function batchVerify(from: i32, to: i32): i32 {
  if (from < 0 || to > count || from >= to) return 0;
  return to - from >= PIPPENGER_FROM ? batchVerifyPippenger(from, to) : batchVerifyStraus(from, to);
}

export let PIPPENGER_FROM: i32 = 256;

/** For the benchmark that picks PIPPENGER_FROM. */
export function setPippengerFrom(n: i32): void {
  PIPPENGER_FROM = n;
}

function batchVerifyStraus(from: i32, to: i32): i32 {
  prepareBase();
  // Σ z_i·S_i mod L, NAF digits and odd-multiple tables of every R_i and A_i.
  memory.fill(SUM_S, 0, 32);
  let points = 0;
  for (let i = from; i < to; i++) {
    const r = record(i);
    if (load<u32>(r + OFF_STATUS) == 0) continue;
    scMulAdd(SUM_S, r + OFF_Z, r + OFF_S, SUM_S);
    const forR = scratch(points++);
    naf(forR, r + OFF_Z, 5);
    oddMultiples(forR + NAF_BYTES, r + OFF_R);
    const forA = scratch(points++);
    naf(forA, r + OFF_ZK, 5);
    oddMultiples(forA + NAF_BYTES, r + OFF_A);
  }
  if (points == 0) return 1;
  naf(NAF_B, SUM_S, BASE_WIDTH);

  let top = 256;
  for (; top >= 0; top--) {
    if (load<i8>(NAF_B + <usize>top) != 0) break;
    let any = false;
    for (let p = 0; p < points; p++) {
      if (load<i8>(scratch(p) + <usize>top) != 0) {
        any = true;
        break;
      }
    }
    if (any) break;
  }
  pointIdentity(ACC);
  for (let bit = top; bit >= 0; bit--) {
    pointDouble(ACC, ACC);
    for (let p = 0; p < points; p++) {
      const base = scratch(p);
      const d = <i32>load<i8>(base + <usize>bit);
      if (d > 0) pointAdd(ACC, ACC, base + NAF_BYTES + <usize>(d >> 1) * CACHED_SIZE);
      else if (d < 0) pointSub(ACC, ACC, base + NAF_BYTES + <usize>(-d >> 1) * CACHED_SIZE);
    }
    // −(Σ z_i·S_i)·B: the B digits enter with the opposite sign.
    const db = <i32>load<i8>(NAF_B + <usize>bit);
    if (db > 0) pointSub(ACC, ACC, BASE_ODD + <usize>(db >> 1) * CACHED_SIZE);
    else if (db < 0) pointAdd(ACC, ACC, BASE_ODD + <usize>(-db >> 1) * CACHED_SIZE);
  }
  pointMulByCofactor(ACC, ACC);
  return pointIsIdentity(ACC);
}

// Pippenger: every scalar in signed radix-2^c digits; per window, each point
// goes into the bucket of its digit, and Σ k·bucket_k comes from two running
// sums, so a point costs one addition per window instead of a table of its own.
const NEG_BASE: usize = memory.data(<i32>POINT_SIZE, 16);
const BUCKET_SUM: usize = memory.data(<i32>POINT_SIZE, 16);
const RUNNING: usize = memory.data(<i32>POINT_SIZE, 16);
const WINDOW: usize = memory.data(<i32>POINT_SIZE, 16);
const ADDEND: usize = memory.data(<i32>CACHED_SIZE, 16);
const MAX_WINDOWS: i32 = 72; // c ≥ 4: ⌈257 / 4⌉ = 65 windows at most

/** Window width for n points: ⌊log2 n⌋ − 1, within 4..12. */
function windowBits(n: i32): i32 {
  const c = 30 - clz<i32>(n);
  return c < 4 ? 4 : c > 12 ? 12 : c;
}

/** Signed radix-2^c digits of a 256-bit scalar into `out` (i16 each), in [−2^(c−1), 2^(c−1)]. */
function signedDigits(out: usize, s: usize, c: i32, windows: i32): void {
  let carry = 0;
  for (let w = 0; w < windows; w++) {
    let value = carry;
    for (let k = 0; k < c; k++) {
      const at = w * c + k;
      if (at < 256) value += ((<i32>load<u8>(s + (<usize>at >> 3)) >> (at & 7)) & 1) << k;
    }
    carry = value > 1 << (c - 1) ? 1 : 0;
    store<i16>(out + (<usize>w << 1), <i16>(value - (carry << c)));
  }
}

function batchVerifyPippenger(from: i32, to: i32): i32 {
  prepareBase();
  memory.fill(SUM_S, 0, 32);
  let points = 0;
  for (let i = from; i < to; i++) if (load<u32>(record(i) + OFF_STATUS) != 0) points += 2;
  if (points == 0) return 1;
  points++; // −B
  const c = windowBits(points);
  const windows = (256 + c) / c; // one extra window takes the last carry
  if (windows > MAX_WINDOWS) return 0;
  // Per point: cached form, then its digits; buckets after the points.
  const stride = CACHED_SIZE + <usize>(MAX_WINDOWS << 1);
  const bucketBase = scratch(0) + <usize>points * stride;
  const buckets = 1 << (c - 1);
  if (!reserveArena(bucketBase - arenaStart() + <usize>buckets * POINT_SIZE)) return 0;
  let p = 0;
  for (let i = from; i < to; i++) {
    const r = record(i);
    if (load<u32>(r + OFF_STATUS) == 0) continue;
    scMulAdd(SUM_S, r + OFF_Z, r + OFF_S, SUM_S);
    const forR = scratch(0) + <usize>p * stride;
    p++;
    pointToCached(forR, r + OFF_R);
    signedDigits(forR + CACHED_SIZE, r + OFF_Z, c, windows);
    const forA = scratch(0) + <usize>p * stride;
    p++;
    pointToCached(forA, r + OFF_A);
    signedDigits(forA + CACHED_SIZE, r + OFF_ZK, c, windows);
  }
  const forB = scratch(0) + <usize>p * stride;
  pointNegate(NEG_BASE, BASE);
  pointToCached(forB, NEG_BASE);
  signedDigits(forB + CACHED_SIZE, SUM_S, c, windows);

  pointIdentity(ACC);
  for (let w = windows - 1; w >= 0; w--) {
    for (let k = 0; k < c; k++) pointDouble(ACC, ACC);
    for (let b = 0; b < buckets; b++) pointIdentity(bucketBase + <usize>b * POINT_SIZE);
    let used = 0;
    for (let j = 0; j < points; j++) {
      const entry = scratch(0) + <usize>j * stride;
      const d = <i32>load<i16>(entry + CACHED_SIZE + (<usize>w << 1));
      if (d == 0) continue;
      const bucket = bucketBase + <usize>((d < 0 ? -d : d) - 1) * POINT_SIZE;
      if (d > 0) pointAdd(bucket, bucket, entry);
      else pointSub(bucket, bucket, entry);
      used++;
    }
    if (used == 0) continue;
    // Σ k·bucket_k = Σ_k (bucket_k + … + bucket_max), summed from the top.
    pointIdentity(RUNNING);
    pointIdentity(WINDOW);
    for (let b = buckets - 1; b >= 0; b--) {
      pointToCached(ADDEND, bucketBase + <usize>b * POINT_SIZE);
      pointAdd(RUNNING, RUNNING, ADDEND);
      pointToCached(ADDEND, RUNNING);
      pointAdd(WINDOW, WINDOW, ADDEND);
    }
    pointToCached(ADDEND, WINDOW);
    pointAdd(ACC, ACC, ADDEND);
  }
  pointMulByCofactor(ACC, ACC);
  return pointIsIdentity(ACC);
}
