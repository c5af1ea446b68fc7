// SHA-256 (FIPS 180-4) over pointers into linear memory.
//
// A context is SHA256_CTX_SIZE bytes wherever the caller puts it:
//   [0, 32)    chaining state H0..H7 (native-endian u32)
//   [32, 96)   pending partial block
//   [96, 100)  pending length in bytes (u32)
//   [104, 112) total message length in bytes (u64)

export const SHA256_CTX_SIZE: usize = 112;
const PENDING: usize = 32;
const PENDING_LEN: usize = 96;
const TOTAL_LEN: usize = 104;

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The round constants, for the 4-lane kernel. */
export function sha256RoundConstants(): usize {
  return K;
}

// The functions of FIPS 180-4 §4.1.2.
@inline
export function bigSigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}
@inline
export function bigSigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}
@inline
export function smallSigma0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}
@inline
export function smallSigma1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}
@inline
export function ch(x: u32, y: u32, z: u32): u32 {
  return z ^ (x & (y ^ z));
}
@inline
export function maj(x: u32, y: u32, z: u32): u32 {
  return (x & y) | (z & (x | y));
}


const W: usize = memory.data(64 * 4, 16);
const ONE_SHOT: usize = memory.data(<i32>SHA256_CTX_SIZE, 16);
const INNER: usize = memory.data(32, 16);

export function sha256InitState(state: usize): void {
  store<u32>(state, 0x6a09e667);
  store<u32>(state, 0xbb67ae85, 4);
  store<u32>(state, 0x3c6ef372, 8);
  store<u32>(state, 0xa54ff53a, 12);
  store<u32>(state, 0x510e527f, 16);
  store<u32>(state, 0x9b05688c, 20);
  store<u32>(state, 0x1f83d9ab, 24);
  store<u32>(state, 0x5be0cd19, 28);
}

/** One compression of the 64-byte block at `block` into `state`. */
export function sha256Compress(state: usize, block: usize): void {
  for (let i: usize = 0; i < 16; i++) {
    store<u32>(W + (i << 2), bswap<u32>(load<u32>(block + (i << 2))));
  }
  for (let i: usize = 16; i < 64; i++) {
    const w15 = load<u32>(W + ((i - 15) << 2));
    const w2 = load<u32>(W + ((i - 2) << 2));
    store<u32>(
      W + (i << 2),
      load<u32>(W + ((i - 16) << 2)) + smallSigma0(w15) + load<u32>(W + ((i - 7) << 2)) + smallSigma1(w2),
    );
  }
  let a = load<u32>(state);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let e = load<u32>(state, 16);
  let f = load<u32>(state, 20);
  let g = load<u32>(state, 24);
  let h = load<u32>(state, 28);
  for (let i: usize = 0; i < 64; i++) {
    const t1 = h + bigSigma1(e) + ch(e, f, g) + load<u32>(K + (i << 2)) + load<u32>(W + (i << 2));
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
  store<u32>(state, load<u32>(state) + a);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
}

export function sha256Init(ctx: usize): void {
  sha256InitState(ctx);
  store<u32>(ctx + PENDING_LEN, 0);
  store<u64>(ctx + TOTAL_LEN, 0);
}

export function sha256Update(ctx: usize, data: usize, length: usize): void {
  store<u64>(ctx + TOTAL_LEN, load<u64>(ctx + TOTAL_LEN) + <u64>length);
  let pending = <usize>load<u32>(ctx + PENDING_LEN);
  if (pending > 0) {
    const take = min<usize>(64 - pending, length);
    memory.copy(ctx + PENDING + pending, data, take);
    pending += take;
    data += take;
    length -= take;
    if (pending < 64) {
      store<u32>(ctx + PENDING_LEN, <u32>pending);
      return;
    }
    sha256Compress(ctx, ctx + PENDING);
    pending = 0;
  }
  while (length >= 64) {
    sha256Compress(ctx, data);
    data += 64;
    length -= 64;
  }
  memory.copy(ctx + PENDING, data, length);
  store<u32>(ctx + PENDING_LEN, <u32>length);
}

/** Pads, writes the 32-byte big-endian digest to `out`. The context is spent. */
export function sha256Final(ctx: usize, out: usize): void {
  const pending = <usize>load<u32>(ctx + PENDING_LEN);
  const bits = load<u64>(ctx + TOTAL_LEN) << 3;
  const block = ctx + PENDING;
  store<u8>(block + pending, 0x80);
  if (pending >= 56) {
    memory.fill(block + pending + 1, 0, 63 - pending);
    sha256Compress(ctx, block);
    memory.fill(block, 0, 56);
  } else {
    memory.fill(block + pending + 1, 0, 55 - pending);
  }
  store<u64>(block + 56, bswap<u64>(bits));
  sha256Compress(ctx, block);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
}

export function sha256(data: usize, length: usize, out: usize): void {
  sha256Init(ONE_SHOT);
  sha256Update(ONE_SHOT, data, length);
  sha256Final(ONE_SHOT, out);
}

/** SHA-256d = SHA-256(SHA-256(data)). */
export function sha256d(data: usize, length: usize, out: usize): void {
  sha256(data, length, INNER);
  sha256(INNER, 32, out);
}
