// Arithmetic in GF(2^255 − 19) for ed25519.
//
// An element is ten signed 32-bit limbs in radix 2^25.5: limb i weighs
// 2^⌈25.5·i⌉, so even limbs hold 26 bits and odd limbs 25. WASM has no
// 64×64→128 multiply, which rules out five 51-bit limbs; with 25.5-bit limbs
// every product fits an i64 with room to spare: a limb product is < 2^54 even
// for limbs of 27 bits (an unreduced sum or difference), and a coefficient of
// the schoolbook sum is at most 38 (= 2 · 19: two odd limbs overshoot their
// weight by one bit; 2^255 ≡ 19 folds the top half down), so each of the ten
// output sums stays below 2^63.
//
// Elements live in linear memory (FE_SIZE bytes at a pointer); every function
// takes pointers and allows its output to alias an input. Add and sub do not
// carry; mul and sq accept their outputs as inputs, so one add or sub may sit
// between two multiplications. feToBytes reduces fully (RFC 8032 §5.1.2).

export const FE_SIZE: usize = 40;

@inline
function limb(f: usize, i: i32): i64 {
  return <i64>load<i32>(f + (<usize>i << 2));
}

/** Carries h0..h9 into balanced limbs (|even| ≤ 2^25, |odd| ≤ 2^24, roughly) and stores them. */
@inline
function carryStore(
  out: usize,
  h0: i64,
  h1: i64,
  h2: i64,
  h3: i64,
  h4: i64,
  h5: i64,
  h6: i64,
  h7: i64,
  h8: i64,
  h9: i64,
): void {
  // Two interleaved chains (0→1→2→3→4, 4→5→…→9→0) shorten the dependency path.
  let c: i64;
  c = (h0 + (1 << 25)) >> 26;
  h1 += c;
  h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26;
  h5 += c;
  h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25;
  h2 += c;
  h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25;
  h6 += c;
  h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26;
  h3 += c;
  h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26;
  h7 += c;
  h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25;
  h4 += c;
  h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25;
  h8 += c;
  h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26;
  h5 += c;
  h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26;
  h9 += c;
  h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25;
  h0 += c * 19;
  h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26;
  h1 += c;
  h0 -= c << 26;
  store<i32>(out, <i32>h0, 0);
  store<i32>(out, <i32>h1, 4);
  store<i32>(out, <i32>h2, 8);
  store<i32>(out, <i32>h3, 12);
  store<i32>(out, <i32>h4, 16);
  store<i32>(out, <i32>h5, 20);
  store<i32>(out, <i32>h6, 24);
  store<i32>(out, <i32>h7, 28);
  store<i32>(out, <i32>h8, 32);
  store<i32>(out, <i32>h9, 36);
}

export function feMul(out: usize, f: usize, g: usize): void {
  const f0 = limb(f, 0);
  const f1 = limb(f, 1);
  const f2 = limb(f, 2);
  const f3 = limb(f, 3);
  const f4 = limb(f, 4);
  const f5 = limb(f, 5);
  const f6 = limb(f, 6);
  const f7 = limb(f, 7);
  const f8 = limb(f, 8);
  const f9 = limb(f, 9);
  const g0 = limb(g, 0);
  const g1 = limb(g, 1);
  const g2 = limb(g, 2);
  const g3 = limb(g, 3);
  const g4 = limb(g, 4);
  const g5 = limb(g, 5);
  const g6 = limb(g, 6);
  const g7 = limb(g, 7);
  const g8 = limb(g, 8);
  const g9 = limb(g, 9);
  // Coefficient of f_i·g_j: ×2 when i and j are both odd, ×19 when i + j ≥ 10.
  const g1_2 = 2 * g1;
  const g3_2 = 2 * g3;
  const g5_2 = 2 * g5;
  const g7_2 = 2 * g7;
  const g1_38 = 38 * g1;
  const g3_38 = 38 * g3;
  const g5_38 = 38 * g5;
  const g7_38 = 38 * g7;
  const g9_38 = 38 * g9;
  const g2_19 = 19 * g2;
  const g3_19 = 19 * g3;
  const g4_19 = 19 * g4;
  const g5_19 = 19 * g5;
  const g6_19 = 19 * g6;
  const g7_19 = 19 * g7;
  const g8_19 = 19 * g8;
  const g9_19 = 19 * g9;
  const h0 = f0 * g0 + f1 * g9_38 + f2 * g8_19 + f3 * g7_38 + f4 * g6_19 + f5 * g5_38 + f6 * g4_19 + f7 * g3_38 + f8 * g2_19 + f9 * g1_38;
  const h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19 + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  const h2 = f0 * g2 + f1 * g1_2 + f2 * g0 + f3 * g9_38 + f4 * g8_19 + f5 * g7_38 + f6 * g6_19 + f7 * g5_38 + f8 * g4_19 + f9 * g3_38;
  const h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19 + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  const h4 = f0 * g4 + f1 * g3_2 + f2 * g2 + f3 * g1_2 + f4 * g0 + f5 * g9_38 + f6 * g8_19 + f7 * g7_38 + f8 * g6_19 + f9 * g5_38;
  const h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  const h6 = f0 * g6 + f1 * g5_2 + f2 * g4 + f3 * g3_2 + f4 * g2 + f5 * g1_2 + f6 * g0 + f7 * g9_38 + f8 * g8_19 + f9 * g7_38;
  const h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  const h8 = f0 * g8 + f1 * g7_2 + f2 * g6 + f3 * g5_2 + f4 * g4 + f5 * g3_2 + f6 * g2 + f7 * g1_2 + f8 * g0 + f9 * g9_38;
  const h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  carryStore(out, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

export function feSq(out: usize, f: usize): void {
  const f0 = limb(f, 0);
  const f1 = limb(f, 1);
  const f2 = limb(f, 2);
  const f3 = limb(f, 3);
  const f4 = limb(f, 4);
  const f5 = limb(f, 5);
  const f6 = limb(f, 6);
  const f7 = limb(f, 7);
  const f8 = limb(f, 8);
  const f9 = limb(f, 9);
  // Each product f_i·f_j (i < j) appears twice; scale one factor once so every term is one multiply.
  const f1_2 = 2 * f1;
  const f2_2 = 2 * f2;
  const f3_2 = 2 * f3;
  const f3_4 = 4 * f3;
  const f4_2 = 2 * f4;
  const f5_2 = 2 * f5;
  const f5_4 = 4 * f5;
  const f5_38 = 38 * f5;
  const f6_2 = 2 * f6;
  const f6_19 = 19 * f6;
  const f6_38 = 38 * f6;
  const f7_2 = 2 * f7;
  const f7_4 = 4 * f7;
  const f7_38 = 38 * f7;
  const f7_76 = 76 * f7;
  const f8_2 = 2 * f8;
  const f8_19 = 19 * f8;
  const f8_38 = 38 * f8;
  const f9_2 = 2 * f9;
  const f9_38 = 38 * f9;
  const f9_76 = 76 * f9;
  const h0 = f0 * f0 + f1 * f9_76 + f2 * f8_38 + f3 * f7_76 + f4 * f6_38 + f5 * f5_38;
  const h1 = f0 * f1_2 + f2 * f9_38 + f3 * f8_38 + f4 * f7_38 + f5 * f6_38;
  const h2 = f0 * f2_2 + f1 * f1_2 + f3 * f9_76 + f4 * f8_38 + f5 * f7_76 + f6 * f6_19;
  const h3 = f0 * f3_2 + f1 * f2_2 + f4 * f9_38 + f5 * f8_38 + f6 * f7_38;
  const h4 = f0 * f4_2 + f1 * f3_4 + f2 * f2 + f5 * f9_76 + f6 * f8_38 + f7 * f7_38;
  const h5 = f0 * f5_2 + f1 * f4_2 + f2 * f3_2 + f6 * f9_38 + f7 * f8_38;
  const h6 = f0 * f6_2 + f1 * f5_4 + f2 * f4_2 + f3 * f3_2 + f7 * f9_76 + f8 * f8_19;
  const h7 = f0 * f7_2 + f1 * f6_2 + f2 * f5_2 + f3 * f4_2 + f8 * f9_38;
  const h8 = f0 * f8_2 + f1 * f7_4 + f2 * f6_2 + f3 * f5_4 + f4 * f4 + f9 * f9_38;
  const h9 = f0 * f9_2 + f1 * f8_2 + f2 * f7_2 + f3 * f6_2 + f4 * f5_2;
  carryStore(out, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

/** out = f^(2^n): n successive squarings. */
export function feSqTimes(out: usize, f: usize, n: i32): void {
  feSq(out, f);
  for (let i = 1; i < n; i++) feSq(out, out);
}

export function feAdd(out: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(out + i, load<i32>(f + i) + load<i32>(g + i));
}

export function feSub(out: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(out + i, load<i32>(f + i) - load<i32>(g + i));
}

export function feNeg(out: usize, f: usize): void {
  for (let i: usize = 0; i < FE_SIZE; i += 4) store<i32>(out + i, -load<i32>(f + i));
}

export function feCopy(out: usize, f: usize): void {
  memory.copy(out, f, FE_SIZE);
}

export function feZero(out: usize): void {
  memory.fill(out, 0, FE_SIZE);
}

export function feOne(out: usize): void {
  memory.fill(out, 0, FE_SIZE);
  store<i32>(out, 1);
}

/** out = g if `flag` is 1, f if 0, without a branch on `flag`. */
export function feSelect(out: usize, f: usize, g: usize, flag: i32): void {
  const mask = -flag;
  for (let i: usize = 0; i < FE_SIZE; i += 4) {
    const a = load<i32>(f + i);
    store<i32>(out + i, a ^ ((a ^ load<i32>(g + i)) & mask));
  }
}

// Bit offsets of the limbs, and their widths.
const OFFSET: StaticArray<i32> = [0, 26, 51, 77, 102, 128, 153, 179, 204, 230];

/** The low 255 bits of 32 little-endian bytes; bit 255 is ignored. Values ≥ p are kept unreduced. */
export function feFromBytes(out: usize, bytes: usize): void {
  for (let i = 0; i < 10; i++) {
    const at = unchecked(OFFSET[i]);
    const width = i & 1 ? 25 : 26;
    const word = load<u32>(bytes + <usize>(at >> 3)) >> <u32>(at & 7);
    store<i32>(out + (<usize>i << 2), <i32>(word & ((1 << width) - 1)));
  }
}

const CANON: usize = memory.data(40, 16);

/** The canonical 32-byte encoding of f mod p (RFC 8032 §5.1.2), with bit 255 clear. */
export function feToBytes(out: usize, f: usize): void {
  // Bring the limbs into range, then subtract p·q where q = ⌊f / p⌋ ∈ {−1, 0, 1}:
  // q is found by propagating f + 19 through the limbs (f ≥ p ⟺ f + 19 ≥ 2^255).
  carryStore(CANON, limb(f, 0), limb(f, 1), limb(f, 2), limb(f, 3), limb(f, 4), limb(f, 5), limb(f, 6), limb(f, 7), limb(f, 8), limb(f, 9));
  let q: i64 = (19 * limb(CANON, 9) + (1 << 24)) >> 25;
  for (let i = 0; i < 10; i++) q = (limb(CANON, i) + q) >> (i & 1 ? 25 : 26);
  let h0 = limb(CANON, 0) + 19 * q;
  let carry: i64 = 0;
  let acc: u64 = 0;
  let bits: i32 = 0;
  let at: usize = 0;
  for (let i = 0; i < 10; i++) {
    const width = i & 1 ? 25 : 26;
    let h = (i == 0 ? h0 : limb(CANON, i)) + carry;
    carry = h >> width;
    h -= carry << width;
    acc |= <u64>h << <u64>bits;
    bits += width;
    while (bits >= 8) {
      store<u8>(out + at, <u8>acc);
      acc >>= 8;
      bits -= 8;
      at++;
    }
  }
  store<u8>(out + 31, <u8>acc); // the last 7 bits; the carry out of limb 9 (2^255·q) is dropped
}

const BYTES: usize = memory.data(32, 16);

/** 1 if f mod p is odd (the "sign" of x in RFC 8032 §5.1.2), else 0. */
export function feIsNegative(f: usize): i32 {
  feToBytes(BYTES, f);
  return load<u8>(BYTES) & 1;
}

/** 1 if f ≡ 0 (mod p), else 0. */
export function feIsZero(f: usize): i32 {
  feToBytes(BYTES, f);
  let any: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) any |= load<u64>(BYTES + i);
  return <i32>(any == 0);
}

const T0: usize = memory.data(40, 16);
const T1: usize = memory.data(40, 16);
const T2: usize = memory.data(40, 16);
const T3: usize = memory.data(40, 16);

/** Leaves z^11 in T0 and z^(2^250 − 1) in T1: the shared prefix of inversion and the square root. */
function powPrefix(z: usize): void {
  feSq(T0, z); //                       z^2
  feSqTimes(T1, T0, 2); //              z^8
  feMul(T1, z, T1); //                  z^9
  feMul(T0, T0, T1); //                 z^11
  feSq(T2, T0); //                      z^22
  feMul(T1, T1, T2); //                 z^(2^5 − 1)
  feSqTimes(T2, T1, 5);
  feMul(T1, T2, T1); //                 z^(2^10 − 1)
  feSqTimes(T2, T1, 10);
  feMul(T2, T2, T1); //                 z^(2^20 − 1)
  feSqTimes(T3, T2, 20);
  feMul(T2, T3, T2); //                 z^(2^40 − 1)
  feSqTimes(T2, T2, 10);
  feMul(T1, T2, T1); //                 z^(2^50 − 1)
  feSqTimes(T2, T1, 50);
  feMul(T2, T2, T1); //                 z^(2^100 − 1)
  feSqTimes(T3, T2, 100);
  feMul(T2, T3, T2); //                 z^(2^200 − 1)
  feSqTimes(T2, T2, 50);
  feMul(T1, T2, T1); //                 z^(2^250 − 1)
}

/** out = 1/z = z^(p − 2) = z^(2^255 − 21); 0 maps to 0. */
export function feInvert(out: usize, z: usize): void {
  powPrefix(z);
  feSqTimes(T1, T1, 5); //              z^(2^255 − 32)
  feMul(out, T1, T0); //                z^(2^255 − 21)
}

/** out = z^((p − 5) / 8) = z^(2^252 − 3), the exponent of the square-root formula (RFC 8032 §5.1.3). */
export function fePow22523(out: usize, z: usize): void {
  powPrefix(z);
  feSqTimes(T1, T1, 2); //              z^(2^252 − 4)
  feMul(out, T1, z); //                 z^(2^252 − 3)
}
