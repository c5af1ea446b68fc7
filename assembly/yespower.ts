// yespower 1.0 (Openwall's PoW-focused yescrypt variant) for one input.
//
// yespower(P) with parameters N, r and personalization:
//   S256 = SHA256(P)
//   B    = PBKDF2-HMAC-SHA256(S256, pers, 1, 128r)      S256 ← B[0, 32)
//   B    = SMix(B): fill the S-boxes with SMix1 over salsa20/2 (r = 1, 768 blocks),
//                   then SMix1 over pwxform (N blocks of 128r bytes into V),
//                   then SMix2 for ⌈(N+2)/3⌉ rounded up to even
//   out  = HMAC-SHA256(key = last 64 bytes of B, S256)
//
// The working block X is kept in the "SIMD-shuffled" word order of the
// reference (word i of each 64-byte sub-block holds word i·5 mod 16), so
// salsa20 reads its diagonals as rows. Version 0.5 is not implemented.
//
// The hot path is pwxform: 3 rounds × 4 gathers of (hi·lo + S0[p0]) ⊕ S1[p1]
// per 64-byte sub-block. With SIMD each gather is one 128-bit lane pair, the
// way the SSE2 path of the C reference lays it out; its speed is bound by the
// latency of that chain and of the S-box reads, not by arithmetic.
import { hmacSha256, pbkdf2Sha256Once } from './hmac-sha256';
import { sha256 } from './sha256';
import { arenaStart, reserveArena } from './memory';

const PWX_ROUNDS: i32 = 3;
const S_BOX_BYTES: usize = 32768; // 2^11 entries × 2 lanes × 8 bytes
const S_MASK: u32 = 0x7ff0; // (2^11 − 1) × 16: a 16-byte-aligned offset into one S-box
const S_INIT_BLOCKS: u32 = 768; // 3 S-boxes / 128 bytes

export const MAX_R: u32 = 32;
export const MIN_R: u32 = 8;
export const MIN_N: u32 = 1024;
export const MAX_N: u32 = 512 * 1024;
export const MAX_PERS: usize = 1024;

const S: usize = memory.data(3 * <i32>S_BOX_BYTES, 64);
const B: usize = memory.data(<i32>(128 * MAX_R), 64);
const X: usize = memory.data(<i32>(128 * MAX_R), 64);
const PERS: usize = memory.data(<i32>MAX_PERS, 16);
const PRE_HASH: usize = memory.data(32, 16);

let paramN: u32 = 0;
let paramR: u32 = 0;
let persLength: usize = 0;

// pwxform state: the three S-box pointers rotate after every pwxform, and
// the write offset walks one S-box 64 bytes at a time.
let sbox0: usize = 0;
let sbox1: usize = 0;
let sbox2: usize = 0;
let writeOffset: usize = 0;

export const PARAMS_OK: i32 = 0;
export const PARAMS_BAD_N: i32 = 1;
export const PARAMS_BAD_R: i32 = 2;
export const PARAMS_BAD_PERS: i32 = 3;
export const PARAMS_NO_MEMORY: i32 = 4;

/** Sets N, r and the personalization (copied from `pers`). Returns PARAMS_*. */
export function yespowerSetParams(n: u32, r: u32, pers: usize, length: usize): i32 {
  if (n < MIN_N || n > MAX_N || (n & (n - 1)) != 0) return PARAMS_BAD_N;
  if (r < MIN_R || r > MAX_R) return PARAMS_BAD_R;
  if (length > MAX_PERS) return PARAMS_BAD_PERS;
  if (!reserveArena(<usize>n * 128 * r)) return PARAMS_NO_MEMORY;
  paramN = n;
  paramR = r;
  memory.copy(PERS, pers, length);
  persLength = length;
  return PARAMS_OK;
}

/** yespower of `length` bytes at `input`, 32 bytes to `out`. Parameters must be set. */
export function yespowerHash(input: usize, length: usize, out: usize): void {
  const r = <usize>paramR;
  const blockBytes = r << 7;
  sha256(input, length, PRE_HASH);
  pbkdf2Sha256Once(PRE_HASH, 32, PERS, persLength, B, blockBytes);
  memory.copy(PRE_HASH, B, 32);
  smix(r, paramN);
  hmacSha256(B + blockBytes - 64, 64, PRE_HASH, 32, out);
}

function smix(r: usize, n: u32): void {
  const v = arenaStart();
  let loops = (n + 2) / 3;
  loops = (loops + 1) & ~1;

  fillSboxes();
  sbox0 = S;
  sbox1 = S + S_BOX_BYTES;
  sbox2 = S + 2 * S_BOX_BYTES;
  writeOffset = 0;

  smix1(r, n, v);
  smix2(r, n, loops, v);
}

/** SMix1 with r = 1 over salsa20/2 blockmix, writing the S-boxes as its V. */
function fillSboxes(): void {
  shuffleIn(X, B, 2);
  for (let i: u32 = 0; i < S_INIT_BLOCKS; i++) {
    memory.copy(S + (<usize>i << 7), X, 128);
    if (i > 1) {
      const j = wrap(load<u32>(X + 64), i);
      xorBlock(X, S + (<usize>j << 7), 128);
    }
    blockmixSalsa(X);
  }
  shuffleOut(B, X, 2);
}

function smix1(r: usize, n: u32, v: usize): void {
  const blockBytes = r << 7;
  const subBlocks = r << 1;
  shuffleIn(X, B, subBlocks);
  for (let k: usize = 1; k < r; k++) {
    memory.copy(X + (k << 7), X + ((k - 1) << 7), 128);
    blockmixPwxform(X + (k << 7), X + (k << 7), 2, 0, 0);
  }
  // V_i holds X_i: each BlockMix reads V_i and writes X_{i+1} straight into
  // V_{i+1} (the last one into X), so SMix1 stores every block once.
  memory.copy(v, X, blockBytes);
  for (let i: u32 = 0; i < n; i++) {
    const vi = v + <usize>i * blockBytes;
    const out = i + 1 < n ? vi + blockBytes : X;
    if (i > 1) {
      const j = wrap(load<u32>(vi + blockBytes - 64), i);
      blockmixPwxform(vi, out, subBlocks, v + <usize>j * blockBytes, XOR);
    } else {
      blockmixPwxform(vi, out, subBlocks, 0, 0);
    }
  }
}

function smix2(r: usize, n: u32, loops: u32, v: usize): void {
  const blockBytes = r << 7;
  const subBlocks = r << 1;
  const last = X + blockBytes - 64;
  for (let i: u32 = 0; i < loops; i++) {
    const vj = v + <usize>(load<u32>(last) & (n - 1)) * blockBytes;
    blockmixPwxform(X, X, subBlocks, vj, XOR | STORE_AFTER);
  }
  shuffleOut(B, X, subBlocks);
}

/** Wraps x into [0, i): the low bits below the largest power of two ≤ i, offset into its top part. */
@inline
function wrap(x: u32, i: u32): u32 {
  const n: u32 = 1 << (31 - clz<u32>(i));
  return (x & (n - 1)) + (i - n);
}

const XOR: i32 = 2; // X ← X ⊕ V_j
const STORE_AFTER: i32 = 4; // V_j ← X ⊕ V_j (SMix2)

/**
 * out ← BlockMix_pwxform(input ⊕ V_j) over `subBlocks` 64-byte sub-blocks,
 * the SMix xor (and SMix2's V_j write-back) folded into the same pass.
 * `out` may be `input`.
 */
@inline
function blockmixPwxform(input: usize, out: usize, subBlocks: usize, vj: usize, flags: i32): void {
  if (ASC_FEATURE_SIMD) blockmixPwxformSimd(input, out, subBlocks, vj, flags);
  else blockmixPwxformScalar(input, out, subBlocks, vj, flags);
  salsa20x2(out + ((subBlocks - 1) << 6));
}

// One pwxform gather on a 128-bit lane pair [lo0, hi0, lo1, hi1]:
// each 64-bit lane becomes (hi·lo + S0[p0]) ⊕ S1[p1], with p0 and p1 taken from lane 0.
@inline
export function gather(x: v128, s0: usize, s1: usize): v128 {
  const offsets = i64x2.extract_lane(v128.and(x, i64x2.splat(0x00007ff000007ff0)), 0);
  const p0 = <usize>(<u32>offsets);
  const p1 = <usize>(<u32>(offsets >>> 32));
  const product = i64x2.extmul_low_i32x4_u(i32x4.shuffle(x, x, 0, 2, 0, 2), i32x4.shuffle(x, x, 1, 3, 1, 3));
  return v128.xor(i64x2.add(product, v128.load(s0 + p0)), v128.load(s1 + p1));
}

// One 16-byte lane of a sub-block entering BlockMix, with the SMix xor and
// write-back folded in (flags are literals at every call, so the branches fold away).
@inline
function mixIn(input: usize, vj: usize, flags: i32): v128 {
  let a = v128.load(input);
  if (flags & XOR) a = v128.xor(a, v128.load(vj));
  if (flags & STORE_AFTER) v128.store(vj, a);
  return a;
}

// The loop runs two sub-blocks per iteration: with one, V8 spills the four
// carried lanes around the loop's back edge, and that store-to-load delay
// lands on pwxform's dependency chain once per sub-block instead of once per two.
@inline
function blockmixPwxformSimd(input: usize, out: usize, subBlocks: usize, vj: usize, flags: i32): void {
  const bytes = subBlocks << 6;
  let c0 = mixIn(input + bytes - 64, vj + bytes - 64, flags & XOR);
  let c1 = mixIn(input + bytes - 48, vj + bytes - 48, flags & XOR);
  let c2 = mixIn(input + bytes - 32, vj + bytes - 32, flags & XOR);
  let c3 = mixIn(input + bytes - 16, vj + bytes - 16, flags & XOR);
  let s0 = sbox0;
  let s1 = sbox1;
  let s2 = sbox2;
  let w = writeOffset;
  for (let at: usize = 0; at < bytes; at += 128) {
    // Sub-block 2i: S-boxes (s0, s1).
    c0 = v128.xor(c0, mixIn(input + at, vj + at, flags));
    c1 = v128.xor(c1, mixIn(input + at + 16, vj + at + 16, flags));
    c2 = v128.xor(c2, mixIn(input + at + 32, vj + at + 32, flags));
    c3 = v128.xor(c3, mixIn(input + at + 48, vj + at + 48, flags));
    // Round 0 writes all four results, rounds 1 and 2 the first two, into
    // S0/S1 at the walking offset; a later gather may read them back, so
    // the order of gathers and writes is the reference's.
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1);
    c2 = gather(c2, s0, s1);
    v128.store(s0 + w, c2, 16);
    c3 = gather(c3, s0, s1);
    v128.store(s1 + w, c3, 16);
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0, 32);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1, 32);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0, 48);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1, 48);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    v128.store(out + at, c0);
    v128.store(out + at, c1, 16);
    v128.store(out + at, c2, 32);
    v128.store(out + at, c3, 48);
    w = (w + 64) & (S_BOX_BYTES - 1);

    // Sub-block 2i + 1: (S0, S1, S2) has become (s2, s0, s1).
    c0 = v128.xor(c0, mixIn(input + at + 64, vj + at + 64, flags));
    c1 = v128.xor(c1, mixIn(input + at + 80, vj + at + 80, flags));
    c2 = v128.xor(c2, mixIn(input + at + 96, vj + at + 96, flags));
    c3 = v128.xor(c3, mixIn(input + at + 112, vj + at + 112, flags));
    c0 = gather(c0, s2, s0);
    v128.store(s2 + w, c0);
    c1 = gather(c1, s2, s0);
    v128.store(s0 + w, c1);
    c2 = gather(c2, s2, s0);
    v128.store(s2 + w, c2, 16);
    c3 = gather(c3, s2, s0);
    v128.store(s0 + w, c3, 16);
    c0 = gather(c0, s2, s0);
    v128.store(s2 + w, c0, 32);
    c1 = gather(c1, s2, s0);
    v128.store(s0 + w, c1, 32);
    c2 = gather(c2, s2, s0);
    c3 = gather(c3, s2, s0);
    c0 = gather(c0, s2, s0);
    v128.store(s2 + w, c0, 48);
    c1 = gather(c1, s2, s0);
    v128.store(s0 + w, c1, 48);
    c2 = gather(c2, s2, s0);
    c3 = gather(c3, s2, s0);
    v128.store(out + at, c0, 64);
    v128.store(out + at, c1, 80);
    v128.store(out + at, c2, 96);
    v128.store(out + at, c3, 112);
    w = (w + 64) & (S_BOX_BYTES - 1);

    // Two rotations: (S0, S1, S2) ← (s1, s2, s0).
    const t = s0;
    s0 = s1;
    s1 = s2;
    s2 = t;
  }
  sbox0 = s0;
  sbox1 = s1;
  sbox2 = s2;
  writeOffset = w;
}

// Scalar pwxform on one 64-bit lane: (hi·lo + s0) ⊕ s1.
@inline
function lane(x: u64, s0: u64, s1: u64): u64 {
  return ((x >> 32) * (x & 0xffffffff) + s0) ^ s1;
}

@inline
function mixIn64(input: usize, vj: usize, flags: i32): u64 {
  let a = load<u64>(input);
  if (flags & XOR) a ^= load<u64>(vj);
  if (flags & STORE_AFTER) store<u64>(vj, a);
  return a;
}

// The same BlockMix for the scalar build: the 64-byte carry as eight u64
// lanes, pairs (c0, c1) … (c6, c7) playing the 128-bit lanes of the SIMD kernel.
@inline
function blockmixPwxformScalar(input: usize, out: usize, subBlocks: usize, vj: usize, flags: i32): void {
  const bytes = subBlocks << 6;
  const last = bytes - 64;
  let c0 = mixIn64(input + last, vj + last, flags & XOR);
  let c1 = mixIn64(input + last + 8, vj + last + 8, flags & XOR);
  let c2 = mixIn64(input + last + 16, vj + last + 16, flags & XOR);
  let c3 = mixIn64(input + last + 24, vj + last + 24, flags & XOR);
  let c4 = mixIn64(input + last + 32, vj + last + 32, flags & XOR);
  let c5 = mixIn64(input + last + 40, vj + last + 40, flags & XOR);
  let c6 = mixIn64(input + last + 48, vj + last + 48, flags & XOR);
  let c7 = mixIn64(input + last + 56, vj + last + 56, flags & XOR);
  let s0 = sbox0;
  let s1 = sbox1;
  let s2 = sbox2;
  let w = writeOffset;
  for (let at: usize = 0; at < bytes; at += 64) {
    c0 ^= mixIn64(input + at, vj + at, flags);
    c1 ^= mixIn64(input + at + 8, vj + at + 8, flags);
    c2 ^= mixIn64(input + at + 16, vj + at + 16, flags);
    c3 ^= mixIn64(input + at + 24, vj + at + 24, flags);
    c4 ^= mixIn64(input + at + 32, vj + at + 32, flags);
    c5 ^= mixIn64(input + at + 40, vj + at + 40, flags);
    c6 ^= mixIn64(input + at + 48, vj + at + 48, flags);
    c7 ^= mixIn64(input + at + 56, vj + at + 56, flags);
    for (let round = 0; round < PWX_ROUNDS; round++) {
      let p0 = s0 + <usize>(<u32>c0 & S_MASK);
      let p1 = s1 + <usize>(<u32>(c0 >> 32) & S_MASK);
      c0 = lane(c0, load<u64>(p0), load<u64>(p1));
      c1 = lane(c1, load<u64>(p0, 8), load<u64>(p1, 8));
      store<u64>(s0 + w, c0);
      store<u64>(s0 + w, c1, 8);
      p0 = s0 + <usize>(<u32>c2 & S_MASK);
      p1 = s1 + <usize>(<u32>(c2 >> 32) & S_MASK);
      c2 = lane(c2, load<u64>(p0), load<u64>(p1));
      c3 = lane(c3, load<u64>(p0, 8), load<u64>(p1, 8));
      store<u64>(s1 + w, c2);
      store<u64>(s1 + w, c3, 8);
      w += 16;
      p0 = s0 + <usize>(<u32>c4 & S_MASK);
      p1 = s1 + <usize>(<u32>(c4 >> 32) & S_MASK);
      c4 = lane(c4, load<u64>(p0), load<u64>(p1));
      c5 = lane(c5, load<u64>(p0, 8), load<u64>(p1, 8));
      if (round == 0) {
        store<u64>(s0 + w, c4);
        store<u64>(s0 + w, c5, 8);
      }
      p0 = s0 + <usize>(<u32>c6 & S_MASK);
      p1 = s1 + <usize>(<u32>(c6 >> 32) & S_MASK);
      c6 = lane(c6, load<u64>(p0), load<u64>(p1));
      c7 = lane(c7, load<u64>(p0, 8), load<u64>(p1, 8));
      if (round == 0) {
        store<u64>(s1 + w, c6);
        store<u64>(s1 + w, c7, 8);
        w += 16;
      }
    }
    store<u64>(out + at, c0);
    store<u64>(out + at, c1, 8);
    store<u64>(out + at, c2, 16);
    store<u64>(out + at, c3, 24);
    store<u64>(out + at, c4, 32);
    store<u64>(out + at, c5, 40);
    store<u64>(out + at, c6, 48);
    store<u64>(out + at, c7, 56);
    // (S0, S1, S2) ← (S2, S0, S1)
    const t = s2;
    s2 = s1;
    s1 = s0;
    s0 = t;
    w &= S_BOX_BYTES - 1;
  }
  sbox0 = s0;
  sbox1 = s1;
  sbox2 = s2;
  writeOffset = w;
}

const SALSA_TMP: usize = memory.data(64, 16);

/** BlockMix_salsa20/2 with r = 1 on a shuffled 128-byte block. */
function blockmixSalsa(block: usize): void {
  memory.copy(SALSA_TMP, block + 64, 64);
  xorBlock(SALSA_TMP, block, 64);
  salsa20x2(SALSA_TMP);
  memory.copy(block, SALSA_TMP, 64);
  xorBlock(SALSA_TMP, block + 64, 64);
  salsa20x2(SALSA_TMP);
  memory.copy(block + 64, SALSA_TMP, 64);
}

@inline
function quarter(a: u32, b: u32, bits: u32): u32 {
  return rotl<u32>(a + b, bits);
}

/**
 * Salsa20/2 core (one double round) on a 64-byte block held in shuffled
 * order: standard word s sits at position p with p·5 ≡ s (mod 16).
 */
function salsa20x2(block: usize): void {
  let x0 = load<u32>(block, 0);
  let x5 = load<u32>(block, 4);
  let x10 = load<u32>(block, 8);
  let x15 = load<u32>(block, 12);
  let x4 = load<u32>(block, 16);
  let x9 = load<u32>(block, 20);
  let x14 = load<u32>(block, 24);
  let x3 = load<u32>(block, 28);
  let x8 = load<u32>(block, 32);
  let x13 = load<u32>(block, 36);
  let x2 = load<u32>(block, 40);
  let x7 = load<u32>(block, 44);
  let x12 = load<u32>(block, 48);
  let x1 = load<u32>(block, 52);
  let x6 = load<u32>(block, 56);
  let x11 = load<u32>(block, 60);
  // columns
  x4 ^= quarter(x0, x12, 7);
  x8 ^= quarter(x4, x0, 9);
  x12 ^= quarter(x8, x4, 13);
  x0 ^= quarter(x12, x8, 18);
  x9 ^= quarter(x5, x1, 7);
  x13 ^= quarter(x9, x5, 9);
  x1 ^= quarter(x13, x9, 13);
  x5 ^= quarter(x1, x13, 18);
  x14 ^= quarter(x10, x6, 7);
  x2 ^= quarter(x14, x10, 9);
  x6 ^= quarter(x2, x14, 13);
  x10 ^= quarter(x6, x2, 18);
  x3 ^= quarter(x15, x11, 7);
  x7 ^= quarter(x3, x15, 9);
  x11 ^= quarter(x7, x3, 13);
  x15 ^= quarter(x11, x7, 18);
  // rows
  x1 ^= quarter(x0, x3, 7);
  x2 ^= quarter(x1, x0, 9);
  x3 ^= quarter(x2, x1, 13);
  x0 ^= quarter(x3, x2, 18);
  x6 ^= quarter(x5, x4, 7);
  x7 ^= quarter(x6, x5, 9);
  x4 ^= quarter(x7, x6, 13);
  x5 ^= quarter(x4, x7, 18);
  x11 ^= quarter(x10, x9, 7);
  x8 ^= quarter(x11, x10, 9);
  x9 ^= quarter(x8, x11, 13);
  x10 ^= quarter(x9, x8, 18);
  x12 ^= quarter(x15, x14, 7);
  x13 ^= quarter(x12, x15, 9);
  x14 ^= quarter(x13, x12, 13);
  x15 ^= quarter(x14, x13, 18);
  store<u32>(block, load<u32>(block, 0) + x0, 0);
  store<u32>(block, load<u32>(block, 4) + x5, 4);
  store<u32>(block, load<u32>(block, 8) + x10, 8);
  store<u32>(block, load<u32>(block, 12) + x15, 12);
  store<u32>(block, load<u32>(block, 16) + x4, 16);
  store<u32>(block, load<u32>(block, 20) + x9, 20);
  store<u32>(block, load<u32>(block, 24) + x14, 24);
  store<u32>(block, load<u32>(block, 28) + x3, 28);
  store<u32>(block, load<u32>(block, 32) + x8, 32);
  store<u32>(block, load<u32>(block, 36) + x13, 36);
  store<u32>(block, load<u32>(block, 40) + x2, 40);
  store<u32>(block, load<u32>(block, 44) + x7, 44);
  store<u32>(block, load<u32>(block, 48) + x12, 48);
  store<u32>(block, load<u32>(block, 52) + x1, 52);
  store<u32>(block, load<u32>(block, 56) + x6, 56);
  store<u32>(block, load<u32>(block, 60) + x11, 60);
}

function xorBlock(dst: usize, src: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 8) store<u64>(dst + i, load<u64>(dst + i) ^ load<u64>(src + i));
}

/** Little-endian words of `subBlocks` 64-byte sub-blocks into the shuffled order. */
function shuffleIn(dst: usize, src: usize, subBlocks: usize): void {
  for (let k: usize = 0; k < subBlocks; k++) {
    const base = k << 6;
    for (let i: usize = 0; i < 16; i++) {
      store<u32>(dst + base + (i << 2), load<u32>(src + base + (((i * 5) & 15) << 2)));
    }
  }
}

function shuffleOut(dst: usize, src: usize, subBlocks: usize): void {
  for (let k: usize = 0; k < subBlocks; k++) {
    const base = k << 6;
    for (let i: usize = 0; i < 16; i++) {
      store<u32>(dst + base + (((i * 5) & 15) << 2), load<u32>(src + base + (i << 2)));
    }
  }
}
