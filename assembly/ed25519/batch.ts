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
import { BASE_ODD, BASE_WIDTH, naf, oddMultiples, prepareBase } from './scalarmult';
import {
  CACHED_SIZE,
  POINT_SIZE,
  pointAdd,
  pointDecode,
  pointDouble,
  pointIdentity,
  pointIsIdentity,
  pointMulByCofactor,
  pointSub,
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

/** 1 if the items in [from, to) that passed batchPush satisfy the combined equation, else 0. */
export function batchVerify(from: i32, to: i32): i32 {
  if (from < 0 || to > count || from >= to) return 0;
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
