// Arithmetic mod L = 2^252 + 27742317777372353535851937790883648493, the
// order of the ed25519 base point (RFC 8032 §5.1). Scalars are 32-byte
// little-endian values at a pointer. Reduction is Barrett's (Handbook of
// Applied Cryptography, Algorithm 14.42) over 32-bit words with 64-bit
// products: a few hundred multiplications, small next to one point
// multiplication, and simple enough to check line by line.

const WORDS: i32 = 8; // k: L < 2^(32·8)

// L and μ = ⌊2^512 / L⌋, little-endian 32-bit words.
const L: usize = memory.data<u32>([
  0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0x00000000, 0x00000000, 0x00000000, 0x10000000, 0,
]);
const MU: usize = memory.data<u32>([
  0x0a2c131b, 0xed9ce5a3, 0x086329a7, 0x2106215d, 0xffffffeb, 0xffffffff, 0xffffffff, 0xffffffff, 0x0000000f,
]);

const X: usize = memory.data(16 * 4, 16); //  the 512-bit value being reduced
const Q2: usize = memory.data(18 * 4, 16); // q1 · μ
const R2: usize = memory.data(17 * 4, 16); // q3 · L (only the low 9 words are used)
const R: usize = memory.data(9 * 4, 16);

@inline
function word(p: usize, i: i32): u64 {
  return <u64>load<u32>(p + (<usize>i << 2));
}

/** out[0 .. na + nb) = a[0 .. na) · b[0 .. nb), schoolbook over 32-bit words. */
function mulWords(out: usize, a: usize, na: i32, b: usize, nb: i32): void {
  memory.fill(out, 0, <usize>(na + nb) << 2);
  for (let i = 0; i < na; i++) {
    const ai = word(a, i);
    let carry: u64 = 0;
    for (let j = 0; j < nb; j++) {
      const at = out + (<usize>(i + j) << 2);
      const t = ai * word(b, j) + <u64>load<u32>(at) + carry; // ≤ 2^64 − 1
      store<u32>(at, <u32>t);
      carry = t >> 32;
    }
    store<u32>(out + (<usize>(i + nb) << 2), <u32>carry);
  }
}

/** r ≥ L over 9 words. */
function atLeastL(r: usize): bool {
  for (let i = WORDS; i >= 0; i--) {
    const a = word(r, i);
    const b = word(L, i);
    if (a != b) return a > b;
  }
  return true;
}

/** r = r − b over 9 words, modulo 2^288. */
function subWords9(r: usize, b: usize): void {
  let borrow: i64 = 0;
  for (let i = 0; i <= WORDS; i++) {
    const t = <i64>word(r, i) - <i64>word(b, i) - borrow;
    store<u32>(r + (<usize>i << 2), <u32>t);
    borrow = t < 0 ? 1 : 0;
  }
}

/** out (32 bytes) = X mod L, X being 16 words. */
function reduceX(out: usize): void {
  // q1 = ⌊X / b^(k−1)⌋ = X[7..15]; q3 = ⌊q1·μ / b^(k+1)⌋ = (q1·μ)[9..17].
  mulWords(Q2, X + 7 * 4, 9, MU, 9);
  // r = (X mod b^(k+1)) − (q3·L mod b^(k+1)), then at most two subtractions of L.
  mulWords(R2, Q2 + 9 * 4, 9, L, WORDS);
  memory.copy(R, X, 9 * 4);
  subWords9(R, R2);
  while (atLeastL(R)) subWords9(R, L);
  memory.copy(out, R, 32);
}

/** out = the 64-byte little-endian value at `wide` mod L (RFC 8032's "interpret as integer, reduce mod L"). */
export function scReduce(out: usize, wide: usize): void {
  memory.copy(X, wide, 64);
  reduceX(out);
}

/** out = (a·b + c) mod L for 32-byte a, b, c (any values below 2^256). */
export function scMulAdd(out: usize, a: usize, b: usize, c: usize): void {
  mulWords(X, a, WORDS, b, WORDS);
  let carry: u64 = 0;
  for (let i = 0; i < 16; i++) {
    const at = X + (<usize>i << 2);
    const t = <u64>load<u32>(at) + (i < WORDS ? word(c, i) : 0) + carry;
    store<u32>(at, <u32>t);
    carry = t >> 32;
  }
  reduceX(out);
}

/** 1 if the 32-byte little-endian s is below L (RFC 8032 §5.1.7's check on S), else 0. */
export function scIsCanonical(s: usize): i32 {
  for (let i = WORDS - 1; i >= 0; i--) {
    const a = word(s, i);
    const b = word(L, i);
    if (a != b) return <i32>(a < b);
  }
  return 0;
}
