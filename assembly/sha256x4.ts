// SHA-256d of one 80-byte header at four nonces at once, one nonce per i32
// lane of a v128 (WASM SIMD), for the nonce scan in pow.ts. A scalar twin
// does one nonce per call with the same precomputation, for the build
// without SIMD; call only the one that matches ASC_FEATURE_SIMD.
//
// Only the top 32 bits of the hash (as the LE256 number the target compares
// against) come out: that settles all but one nonce in 2^32 or so, and the
// scan confirms a candidate with a full sha256d. Everything that does not
// depend on the nonce is done once per header by sha256dHeaderPrepare:
//
//   block 1  header[0, 64)                     → midstate
//   block 2  header[64, 80) ‖ 0x80 ‖ 0… ‖ 640   W3 is the nonce, W0..W2 and
//            W4..W15 are fixed, so rounds 0..2, most of round 3, W16, W17
//            and every fixed term of W18..W33 are constants
//   hash 2   hash1 (8 words) ‖ 0x80 ‖ 0… ‖ 256  round 0 and the fixed terms of
//            W16..W31 are constants; rounds 61..63 only shift the state, so
//            H7 = IV7 + the e made in round 60, and the rest is skipped
//
// Round and schedule formulas are FIPS 180-4 §6.2.2. Measured on V8 x86-64:
// the precomputation above gives about 9% over a midstate alone; unrolling
// the round loops 8× with renamed variables, or carrying a⊕b into the next
// round's Maj, gave nothing, so the loops stay one round per iteration.
import {
  bigSigma0,
  bigSigma1,
  ch,
  maj,
  sha256Compress,
  sha256InitState,
  sha256RoundConstants,
  smallSigma0,
  smallSigma1,
} from './sha256';

// Per-header constants (u32 words):
const IV: usize = memory.data(32, 16); //         H(0) of §5.3.3
const MID: usize = memory.data(32, 16); //        midstate after block 1
const BLOCK2: usize = memory.data(64 * 4, 16); // block 2 schedule W0..W17 (W3 = 0) and the constant
//                                                 terms C[t] of W18..W33 at [t]
const ROUND3: usize = memory.data(32, 16); //     state after round 2 of block 2, then [0] and [4]
//                                                 replaced by round 3's a and e without W3
const HASH2: usize = memory.data(64 * 4, 16); //  hash-2 schedule W8..W15 and the constant terms of
//                                                 W16..W31; [0], [4]: round 0's a and e without W0
// Per-group scratch, four lanes per word:
const W: usize = memory.data(64 * 16, 16); //      message schedule
const KW_BLOCK2: usize = memory.data(64 * 16, 16); // K[t] + W[t] of block 2 (t ≥ 4; 4..17 per header)
const KW_HASH2: usize = memory.data(64 * 16, 16); //  K[t] + W[t] of hash 2 (8..15 per header)
// Scalar twin: the padded second blocks.
const TAIL: usize = memory.data(64, 16);
const DIGEST_BLOCK: usize = memory.data(64, 16);
const STATE: usize = memory.data(32, 16);

/** Whether W[t] of block 2 depends on the nonce (W3 and all words derived from it). */
@inline
function block2Varies(t: i32): bool {
  return t == 3 || t >= 18;
}
/** Whether W[t] of hash 2 depends on hash 1 (W0..W7 and all words derived from them). */
@inline
function hash2Varies(t: i32): bool {
  return t < 8 || t >= 16;
}

/**
 * The sum of the terms of W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16]
 * whose words do not vary, from the schedule table `w`.
 */
function fixedTerms(w: usize, t: i32, block2: bool): u32 {
  let sum: u32 = 0;
  if (!(block2 ? block2Varies(t - 2) : hash2Varies(t - 2))) sum += smallSigma1(load<u32>(w + ((t - 2) << 2)));
  if (!(block2 ? block2Varies(t - 7) : hash2Varies(t - 7))) sum += load<u32>(w + ((t - 7) << 2));
  if (!(block2 ? block2Varies(t - 15) : hash2Varies(t - 15))) sum += smallSigma0(load<u32>(w + ((t - 15) << 2)));
  if (!(block2 ? block2Varies(t - 16) : hash2Varies(t - 16))) sum += load<u32>(w + ((t - 16) << 2));
  return sum;
}

/** Precomputes everything the header at `header` fixes, for both the 4-lane kernel and its scalar twin. */
export function sha256dHeaderPrepare(header: usize): void {
  const k = sha256RoundConstants();
  sha256InitState(IV);
  sha256InitState(MID);
  sha256Compress(MID, header);

  // Block 2: header[64, 80) with W3 (the nonce) left 0, then the padding of an 80-byte message.
  memory.fill(BLOCK2, 0, 64 * 4);
  for (let t = 0; t < 4; t++) store<u32>(BLOCK2 + (t << 2), bswap<u32>(load<u32>(header + 64 + (t << 2))));
  store<u32>(BLOCK2 + 12, 0);
  store<u32>(BLOCK2 + 16, 0x80000000);
  store<u32>(BLOCK2 + 60, 80 * 8);
  for (let t = 16; t < 18; t++) {
    const w2 = load<u32>(BLOCK2 + ((t - 2) << 2));
    const w7 = load<u32>(BLOCK2 + ((t - 7) << 2));
    const w15 = load<u32>(BLOCK2 + ((t - 15) << 2));
    const w16 = load<u32>(BLOCK2 + ((t - 16) << 2));
    store<u32>(BLOCK2 + (t << 2), smallSigma1(w2) + w7 + smallSigma0(w15) + w16);
  }
  for (let t = 18; t < 34; t++) store<u32>(BLOCK2 + (t << 2), fixedTerms(BLOCK2, t, true));

  // Rounds 0..2 of block 2 take only fixed words.
  let a = load<u32>(MID, 0);
  let b = load<u32>(MID, 4);
  let c = load<u32>(MID, 8);
  let d = load<u32>(MID, 12);
  let e = load<u32>(MID, 16);
  let f = load<u32>(MID, 20);
  let g = load<u32>(MID, 24);
  let h = load<u32>(MID, 28);
  for (let t = 0; t < 3; t++) {
    const t1 = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k + (t << 2)) + load<u32>(BLOCK2 + (t << 2));
    const t2 = bigSigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  // Round 3 without W3: a' = W3 + (T1 + T2), e' = W3 + (d + T1); the others shift.
  const round3T1 = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k, 12);
  store<u32>(ROUND3, round3T1 + bigSigma0(a) + maj(a, b, c), 0);
  store<u32>(ROUND3, a, 4);
  store<u32>(ROUND3, b, 8);
  store<u32>(ROUND3, c, 12);
  store<u32>(ROUND3, d + round3T1, 16);
  store<u32>(ROUND3, e, 20);
  store<u32>(ROUND3, f, 24);
  store<u32>(ROUND3, g, 28);

  // Hash 2: the 32-byte hash 1, then the padding of a 32-byte message.
  memory.fill(HASH2, 0, 64 * 4);
  store<u32>(HASH2 + 32, 0x80000000);
  store<u32>(HASH2 + 60, 32 * 8);
  for (let t = 16; t < 32; t++) store<u32>(HASH2 + (t << 2), fixedTerms(HASH2, t, false));
  // Round 0 from the IV without W0: a' = W0 + (T1 + T2), e' = W0 + (d + T1).
  const u1 =
    load<u32>(IV, 28) + bigSigma1(load<u32>(IV, 16)) + ch(load<u32>(IV, 16), load<u32>(IV, 20), load<u32>(IV, 24)) + load<u32>(k);
  store<u32>(HASH2, u1 + bigSigma0(load<u32>(IV)) + maj(load<u32>(IV), load<u32>(IV, 4), load<u32>(IV, 8)));
  store<u32>(HASH2 + 16, load<u32>(IV, 12) + u1);

  if (ASC_FEATURE_SIMD) {
    for (let t = 4; t < 18; t++) {
      v128.store(KW_BLOCK2 + (t << 4), i32x4.splat(load<u32>(k + (t << 2)) + load<u32>(BLOCK2 + (t << 2))));
    }
    for (let t = 8; t < 16; t++) {
      v128.store(KW_HASH2 + (t << 4), i32x4.splat(load<u32>(k + (t << 2)) + load<u32>(HASH2 + (t << 2))));
    }
  } else {
    memory.copy(TAIL, header + 64, 16);
    memory.fill(TAIL + 16, 0, 48);
    store<u8>(TAIL + 16, 0x80);
    store<u32>(TAIL + 60, bswap<u32>(80 * 8));
    memory.fill(DIGEST_BLOCK + 32, 0, 32);
    store<u8>(DIGEST_BLOCK + 32, 0x80);
    store<u32>(DIGEST_BLOCK + 60, bswap<u32>(32 * 8));
  }
}

/**
 * Scalar twin of sha256dHeaderTopX4: the top 32 bits of LE256(sha256d(header
 * with `nonce`)), from the midstate. Call sha256dHeaderPrepare first.
 */
export function sha256dHeaderTop(nonce: u32): u32 {
  store<u32>(TAIL + 12, nonce);
  memory.copy(STATE, MID, 32);
  sha256Compress(STATE, TAIL);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(DIGEST_BLOCK + i, bswap<u32>(load<u32>(STATE + i)));
  sha256InitState(STATE);
  sha256Compress(STATE, DIGEST_BLOCK);
  // The digest's last four bytes are H7 big-endian: as the top of an LE number, bswap(H7).
  return bswap<u32>(load<u32>(STATE, 28));
}

// —— four lanes ——
@inline
function rotr4(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}
@inline
function bigSigma0x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 2), rotr4(x, 13)), rotr4(x, 22));
}
@inline
function bigSigma1x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 6), rotr4(x, 11)), rotr4(x, 25));
}
@inline
function smallSigma0x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 7), rotr4(x, 18)), i32x4.shr_u(x, 3));
}
@inline
function smallSigma1x4(x: v128): v128 {
  return v128.xor(v128.xor(rotr4(x, 17), rotr4(x, 19)), i32x4.shr_u(x, 10));
}
@inline
function add(x: v128, y: v128): v128 {
  return i32x4.add(x, y);
}
@inline
function splat(at: usize): v128 {
  return v128.load32_splat(at);
}
@inline
function bswap4(x: v128): v128 {
  return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}
/** T1 − h of one round: Σ1(e) + Ch(e, f, g) + K[t] + W[t]. */
@inline
function sum1(e: v128, f: v128, g: v128, kw: v128): v128 {
  return add(add(bigSigma1x4(e), v128.bitselect(f, g, e)), kw);
}
/** T2 of one round: Σ0(a) + Maj(a, b, c). */
@inline
function sum0(a: v128, b: v128, c: v128): v128 {
  return add(bigSigma0x4(a), v128.bitselect(b, c, v128.xor(a, c)));
}
@inline
function wAt(t: i32): v128 {
  return v128.load(W + (t << 4));
}
/** W[t] ← w and K[t] + W[t] into the table `kw`. */
@inline
function setW(t: i32, w: v128, kw: usize): void {
  v128.store(W + (t << 4), w);
  v128.store(kw + (t << 4), add(w, splat(sha256RoundConstants() + (t << 2))));
}
/** The full schedule formula for W[from..to). */
@inline
function scheduleX4(from: i32, to: i32, kw: usize): void {
  for (let t = from; t < to; t++) {
    setW(t, add(add(smallSigma1x4(wAt(t - 2)), wAt(t - 7)), add(smallSigma0x4(wAt(t - 15)), wAt(t - 16))), kw);
  }
}

/**
 * The top 32 bits of LE256(sha256d(header)) for nonces nonce … nonce + 3,
 * lane i for nonce + i. Call sha256dHeaderPrepare first; SIMD builds only.
 */
export function sha256dHeaderTopX4(nonce: u32): v128 {
  // The header stores the nonce little-endian; SHA-256 reads words big-endian.
  const w3 = bswap4(add(i32x4.splat(nonce), i32x4(0, 1, 2, 3)));

  // Block 2 schedule: the varying terms of W18..W33 plus their constants, then the full formula.
  setW(18, add(smallSigma0x4(w3), splat(BLOCK2 + 18 * 4)), KW_BLOCK2);
  setW(19, add(w3, splat(BLOCK2 + 19 * 4)), KW_BLOCK2);
  for (let t = 20; t < 25; t++) setW(t, add(smallSigma1x4(wAt(t - 2)), splat(BLOCK2 + (t << 2))), KW_BLOCK2);
  for (let t = 25; t < 33; t++) {
    setW(t, add(add(smallSigma1x4(wAt(t - 2)), wAt(t - 7)), splat(BLOCK2 + (t << 2))), KW_BLOCK2);
  }
  setW(33, add(add(smallSigma1x4(wAt(31)), wAt(26)), add(smallSigma0x4(wAt(18)), splat(BLOCK2 + 33 * 4))), KW_BLOCK2);
  scheduleX4(34, 64, KW_BLOCK2);

  // Block 2 rounds 4..63 from the state after round 3.
  let a = add(w3, splat(ROUND3));
  let b = splat(ROUND3 + 4);
  let c = splat(ROUND3 + 8);
  let d = splat(ROUND3 + 12);
  let e = add(w3, splat(ROUND3 + 16));
  let f = splat(ROUND3 + 20);
  let g = splat(ROUND3 + 24);
  let h = splat(ROUND3 + 28);
  for (let t = 4; t < 64; t++) {
    const t1 = add(h, sum1(e, f, g, v128.load(KW_BLOCK2 + (t << 4))));
    const t2 = sum0(a, b, c);
    h = g;
    g = f;
    f = e;
    e = add(d, t1);
    d = c;
    c = b;
    b = a;
    a = add(t1, t2);
  }

  // Hash 1 = midstate + block 2's state: the first 8 words of hash 2's schedule.
  const w0 = add(a, splat(MID));
  setW(1, add(b, splat(MID + 4)), KW_HASH2);
  setW(2, add(c, splat(MID + 8)), KW_HASH2);
  setW(3, add(d, splat(MID + 12)), KW_HASH2);
  setW(4, add(e, splat(MID + 16)), KW_HASH2);
  setW(5, add(f, splat(MID + 20)), KW_HASH2);
  setW(6, add(g, splat(MID + 24)), KW_HASH2);
  setW(7, add(h, splat(MID + 28)), KW_HASH2);
  v128.store(W, w0);

  // Hash 2 schedule: W16..W31 have fixed terms, the rest is the full formula up to W60.
  setW(16, add(add(smallSigma0x4(wAt(1)), w0), splat(HASH2 + 16 * 4)), KW_HASH2);
  setW(17, add(add(smallSigma0x4(wAt(2)), wAt(1)), splat(HASH2 + 17 * 4)), KW_HASH2);
  for (let t = 18; t < 23; t++) {
    setW(t, add(add(smallSigma1x4(wAt(t - 2)), add(smallSigma0x4(wAt(t - 15)), wAt(t - 16))), splat(HASH2 + (t << 2))), KW_HASH2);
  }
  setW(23, add(add(smallSigma1x4(wAt(21)), wAt(16)), add(wAt(7), splat(HASH2 + 23 * 4))), KW_HASH2);
  for (let t = 24; t < 31; t++) {
    setW(t, add(add(smallSigma1x4(wAt(t - 2)), wAt(t - 7)), splat(HASH2 + (t << 2))), KW_HASH2);
  }
  setW(31, add(add(smallSigma1x4(wAt(29)), wAt(24)), add(smallSigma0x4(wAt(16)), splat(HASH2 + 31 * 4))), KW_HASH2);
  scheduleX4(32, 61, KW_HASH2);

  // Hash 2 rounds 1..59 from the state after round 0.
  const iv = IV;
  a = add(w0, splat(HASH2));
  b = splat(iv);
  c = splat(iv + 4);
  d = splat(iv + 8);
  e = add(w0, splat(HASH2 + 16));
  f = splat(iv + 16);
  g = splat(iv + 20);
  h = splat(iv + 24);
  for (let t = 1; t < 60; t++) {
    const t1 = add(h, sum1(e, f, g, v128.load(KW_HASH2 + (t << 4))));
    const t2 = sum0(a, b, c);
    h = g;
    g = f;
    f = e;
    e = add(d, t1);
    d = c;
    c = b;
    b = a;
    a = add(t1, t2);
  }
  // Round 60's e becomes h after round 63: H7 = IV7 + d + T1.
  const h7 = add(add(d, add(h, sum1(e, f, g, v128.load(KW_HASH2, 60 << 4)))), splat(iv + 28));
  return bswap4(h7);
}
