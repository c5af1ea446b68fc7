// SHA-512 (FIPS 180-4 §6.4) over pointers into linear memory, in i64
// arithmetic. Kept apart from the JS-facing exports so ed25519 can hash its
// own scratch buffers with it.
//
// A context is SHA512_CTX_SIZE bytes wherever the caller puts it:
//   [0, 64)     chaining state H0..H7 (native-endian u64)
//   [64, 192)   pending partial block
//   [192, 196)  pending length in bytes (u32)
//   [200, 208)  total message length in bytes (u64; the 128-bit bit length
//               of §5.1.2 is derived from it, so inputs up to 2^64 − 1 bytes)

export const SHA512_CTX_SIZE: usize = 208;
export const SHA512_BLOCK: usize = 128;
export const SHA512_LENGTH: usize = 64;
const PENDING: usize = 64;
const PENDING_LEN: usize = 192;
const TOTAL_LEN: usize = 200;

// §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.
const K: usize = memory.data<u64>([
  0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
  0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
  0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
  0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
  0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
  0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
  0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
  0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
  0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
  0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
  0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
  0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
  0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
  0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
  0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
  0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
  0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
  0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
  0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
  0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
]);

const ONE_SHOT: usize = memory.data(<i32>SHA512_CTX_SIZE, 16);

// §4.1.3 functions; Ch and Maj in forms with one operation fewer than the text.
@inline
function bigSigma0(x: u64): u64 {
  return rotr<u64>(x, 28) ^ rotr<u64>(x, 34) ^ rotr<u64>(x, 39);
}
@inline
function bigSigma1(x: u64): u64 {
  return rotr<u64>(x, 14) ^ rotr<u64>(x, 18) ^ rotr<u64>(x, 41);
}
@inline
function smallSigma0(x: u64): u64 {
  return rotr<u64>(x, 1) ^ rotr<u64>(x, 8) ^ (x >> 7);
}
@inline
function smallSigma1(x: u64): u64 {
  return rotr<u64>(x, 19) ^ rotr<u64>(x, 61) ^ (x >> 6);
}
@inline
function ch(x: u64, y: u64, z: u64): u64 {
  return z ^ (x & (y ^ z));
}
@inline
function maj(x: u64, y: u64, z: u64): u64 {
  return (x & y) | (z & (x | y));
}

export function sha512InitState(state: usize): void {
  store<u64>(state, 0x6a09e667f3bcc908);
  store<u64>(state, 0xbb67ae8584caa73b, 8);
  store<u64>(state, 0x3c6ef372fe94f82b, 16);
  store<u64>(state, 0xa54ff53a5f1d36f1, 24);
  store<u64>(state, 0x510e527fade682d1, 32);
  store<u64>(state, 0x9b05688c2b3e6c1f, 40);
  store<u64>(state, 0x1f83d9abfb41bd6b, 48);
  store<u64>(state, 0x5be0cd19137e2179, 56);
}

/**
 * One compression (§6.4.2) of the 128-byte block at `block` into `state`.
 *
 * The schedule lives in 16 locals updated in place (W[t] overwrites W[t−16]),
 * and the rounds are written out 16 at a time with the working variables
 * renamed instead of shifted, so no value moves between rounds. Measured
 * against an 80-word schedule in memory with one round per loop iteration
 * (V8, x86-64): about 15% more throughput on 4 KiB messages.
 */
export function sha512Compress(state: usize, block: usize): void {
  let w0 = bswap<u64>(load<u64>(block, 0));
  let w1 = bswap<u64>(load<u64>(block, 8));
  let w2 = bswap<u64>(load<u64>(block, 16));
  let w3 = bswap<u64>(load<u64>(block, 24));
  let w4 = bswap<u64>(load<u64>(block, 32));
  let w5 = bswap<u64>(load<u64>(block, 40));
  let w6 = bswap<u64>(load<u64>(block, 48));
  let w7 = bswap<u64>(load<u64>(block, 56));
  let w8 = bswap<u64>(load<u64>(block, 64));
  let w9 = bswap<u64>(load<u64>(block, 72));
  let w10 = bswap<u64>(load<u64>(block, 80));
  let w11 = bswap<u64>(load<u64>(block, 88));
  let w12 = bswap<u64>(load<u64>(block, 96));
  let w13 = bswap<u64>(load<u64>(block, 104));
  let w14 = bswap<u64>(load<u64>(block, 112));
  let w15 = bswap<u64>(load<u64>(block, 120));

  let a = load<u64>(state, 0);
  let b = load<u64>(state, 8);
  let c = load<u64>(state, 16);
  let d = load<u64>(state, 24);
  let e = load<u64>(state, 32);
  let f = load<u64>(state, 40);
  let g = load<u64>(state, 48);
  let h = load<u64>(state, 56);

  for (let k = K; k < K + 80 * 8; k += 16 * 8) {
    if (k != K) {
      // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], in place.
      w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
      w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
      w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
      w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
      w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
      w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
      w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
      w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
      w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
      w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
      w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
      w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
      w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
      w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
      w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
      w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
    }
    // Each round: T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a,b,c).
    // The next round sees h as its a and d as its e.
    h += bigSigma1(e) + ch(e, f, g) + load<u64>(k, 0) + w0; d += h; h += bigSigma0(a) + maj(a, b, c);
    g += bigSigma1(d) + ch(d, e, f) + load<u64>(k, 8) + w1; c += g; g += bigSigma0(h) + maj(h, a, b);
    f += bigSigma1(c) + ch(c, d, e) + load<u64>(k, 16) + w2; b += f; f += bigSigma0(g) + maj(g, h, a);
    e += bigSigma1(b) + ch(b, c, d) + load<u64>(k, 24) + w3; a += e; e += bigSigma0(f) + maj(f, g, h);
    d += bigSigma1(a) + ch(a, b, c) + load<u64>(k, 32) + w4; h += d; d += bigSigma0(e) + maj(e, f, g);
    c += bigSigma1(h) + ch(h, a, b) + load<u64>(k, 40) + w5; g += c; c += bigSigma0(d) + maj(d, e, f);
    b += bigSigma1(g) + ch(g, h, a) + load<u64>(k, 48) + w6; f += b; b += bigSigma0(c) + maj(c, d, e);
    a += bigSigma1(f) + ch(f, g, h) + load<u64>(k, 56) + w7; e += a; a += bigSigma0(b) + maj(b, c, d);
    h += bigSigma1(e) + ch(e, f, g) + load<u64>(k, 64) + w8; d += h; h += bigSigma0(a) + maj(a, b, c);
    g += bigSigma1(d) + ch(d, e, f) + load<u64>(k, 72) + w9; c += g; g += bigSigma0(h) + maj(h, a, b);
    f += bigSigma1(c) + ch(c, d, e) + load<u64>(k, 80) + w10; b += f; f += bigSigma0(g) + maj(g, h, a);
    e += bigSigma1(b) + ch(b, c, d) + load<u64>(k, 88) + w11; a += e; e += bigSigma0(f) + maj(f, g, h);
    d += bigSigma1(a) + ch(a, b, c) + load<u64>(k, 96) + w12; h += d; d += bigSigma0(e) + maj(e, f, g);
    c += bigSigma1(h) + ch(h, a, b) + load<u64>(k, 104) + w13; g += c; c += bigSigma0(d) + maj(d, e, f);
    b += bigSigma1(g) + ch(g, h, a) + load<u64>(k, 112) + w14; f += b; b += bigSigma0(c) + maj(c, d, e);
    a += bigSigma1(f) + ch(f, g, h) + load<u64>(k, 120) + w15; e += a; a += bigSigma0(b) + maj(b, c, d);
  }

  store<u64>(state, load<u64>(state, 0) + a, 0);
  store<u64>(state, load<u64>(state, 8) + b, 8);
  store<u64>(state, load<u64>(state, 16) + c, 16);
  store<u64>(state, load<u64>(state, 24) + d, 24);
  store<u64>(state, load<u64>(state, 32) + e, 32);
  store<u64>(state, load<u64>(state, 40) + f, 40);
  store<u64>(state, load<u64>(state, 48) + g, 48);
  store<u64>(state, load<u64>(state, 56) + h, 56);
}

export function sha512Init(ctx: usize): void {
  sha512InitState(ctx);
  store<u32>(ctx + PENDING_LEN, 0);
  store<u64>(ctx + TOTAL_LEN, 0);
}

export function sha512Update(ctx: usize, data: usize, length: usize): void {
  store<u64>(ctx + TOTAL_LEN, load<u64>(ctx + TOTAL_LEN) + <u64>length);
  let pending = <usize>load<u32>(ctx + PENDING_LEN);
  if (pending > 0) {
    const take = min<usize>(SHA512_BLOCK - pending, length);
    memory.copy(ctx + PENDING + pending, data, take);
    pending += take;
    data += take;
    length -= take;
    if (pending < SHA512_BLOCK) {
      store<u32>(ctx + PENDING_LEN, <u32>pending);
      return;
    }
    sha512Compress(ctx, ctx + PENDING);
  }
  while (length >= SHA512_BLOCK) {
    sha512Compress(ctx, data);
    data += SHA512_BLOCK;
    length -= SHA512_BLOCK;
  }
  memory.copy(ctx + PENDING, data, length);
  store<u32>(ctx + PENDING_LEN, <u32>length);
}

/** Pads (§5.1.2), writes the 64-byte big-endian digest to `out`. The context is spent. */
export function sha512Final(ctx: usize, out: usize): void {
  const pending = <usize>load<u32>(ctx + PENDING_LEN);
  const bytes = load<u64>(ctx + TOTAL_LEN);
  const block = ctx + PENDING;
  store<u8>(block + pending, 0x80);
  // The padding needs 1 + 16 bytes after the message; with more than 111
  // pending bytes they spill into a second block.
  if (pending >= 112) {
    memory.fill(block + pending + 1, 0, 127 - pending);
    sha512Compress(ctx, block);
    memory.fill(block, 0, 112);
  } else {
    memory.fill(block + pending + 1, 0, 111 - pending);
  }
  store<u64>(block + 112, bswap<u64>(bytes >> 61)); // high 64 bits of the bit length
  store<u64>(block + 120, bswap<u64>(bytes << 3));
  sha512Compress(ctx, block);
  for (let i: usize = 0; i < SHA512_LENGTH; i += 8) store<u64>(out + i, bswap<u64>(load<u64>(ctx + i)));
}

export function sha512(data: usize, length: usize, out: usize): void {
  sha512Init(ONE_SHOT);
  sha512Update(ONE_SHOT, data, length);
  sha512Final(ONE_SHOT, out);
}
