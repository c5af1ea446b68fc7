// Scalar multiplication on edwards25519.
//
// mulBase: [a]B in constant time (for signing with secret scalars): a is
// recoded into 64 signed radix-16 digits e_i ∈ [−8, 8), and
// [a]B = Σ e_i·16^i·B is 64 additions of entries read from a table of
// j·16^i·B (j = 1..8), each read touching all eight entries of its row.
//
// mulDoubleVartime: [a]A + [b]B in variable time (verification only sees
// public values): a in width-5 NAF over odd multiples 1..15 of A
// computed per call, b in width 7 over odd multiples 1..63 of B computed once,
// one shared doubling chain.
import {
  CACHED_SIZE,
  POINT_SIZE,
  BASE_BYTES,
  cachedNegateIf,
  cachedSelect,
  pointAdd,
  pointAddNoT,
  pointDecode,
  pointDouble,
  pointDoubleNoT,
  pointIdentity,
  pointSub,
  pointToCached,
} from './point';

export const BASE: usize = memory.data(<i32>POINT_SIZE, 16);
const BASE_ROWS: i32 = 64;
const BASE_TABLE: usize = memory.data(BASE_ROWS * 8 * <i32>CACHED_SIZE, 16);
/** Width of the NAF of B's scalar: B's table is built once, so it can be wide. */
export const BASE_WIDTH: i32 = 7;
const BASE_ODD_COUNT: i32 = 1 << (BASE_WIDTH - 2);
export const BASE_ODD: usize = memory.data(BASE_ODD_COUNT * <i32>CACHED_SIZE, 16); // B, 3B, …, 63B
let baseReady = false;

const ROW_BASE: usize = memory.data(<i32>POINT_SIZE, 16);
const ROW_BASE_CACHED: usize = memory.data(<i32>CACHED_SIZE, 16);
const WALK: usize = memory.data(<i32>POINT_SIZE, 16);

/** Builds the base-point tables on first use. */
export function prepareBase(): void {
  if (baseReady) return;
  pointDecode(BASE, BASE_BYTES);
  // Row i holds j·16^i·B for j = 1..8.
  memory.copy(ROW_BASE, BASE, POINT_SIZE);
  for (let i = 0; i < BASE_ROWS; i++) {
    const row = BASE_TABLE + <usize>(i * 8) * CACHED_SIZE;
    pointToCached(ROW_BASE_CACHED, ROW_BASE);
    memory.copy(row, ROW_BASE_CACHED, CACHED_SIZE);
    memory.copy(WALK, ROW_BASE, POINT_SIZE);
    for (let j = 1; j < 8; j++) {
      pointAdd(WALK, WALK, ROW_BASE_CACHED);
      pointToCached(row + <usize>j * CACHED_SIZE, WALK);
    }
    for (let k = 0; k < 4; k++) pointDouble(ROW_BASE, ROW_BASE);
  }
  oddMultiples(BASE_ODD, BASE, BASE_ODD_COUNT);
  baseReady = true;
}

const DIGITS: usize = memory.data(64, 16);
const PICK: usize = memory.data(<i32>CACHED_SIZE, 16);

/** out = [a]B for a 32-byte little-endian a < 2^255, in constant time. */
export function mulBase(out: usize, a: usize): void {
  prepareBase();
  // Signed radix-16 recoding: e_i = nibble_i + carry − 16·carry', e_i ∈ [−8, 8);
  // the top digit keeps its carry, and a < 2^255 keeps it ≤ 8.
  let carry: i32 = 0;
  for (let i = 0; i < 64; i++) {
    const byte = <i32>load<u8>(a + (<usize>i >> 1));
    let e = (i & 1 ? byte >> 4 : byte & 15) + carry;
    carry = i < 63 ? (e + 8) >> 4 : 0;
    e -= carry << 4;
    store<i8>(DIGITS + <usize>i, <i8>e);
  }
  pointIdentity(out);
  for (let i = 0; i < 64; i++) {
    const e = <i32>load<i8>(DIGITS + <usize>i);
    const negative = (e >>> 31) & 1;
    const magnitude = (e ^ -negative) + negative; // |e| without a branch
    cachedSelect(PICK, BASE_TABLE + <usize>(i * 8) * CACHED_SIZE, 8, magnitude - 1);
    cachedNegateIf(PICK, negative);
    pointAdd(out, out, PICK);
  }
}

const TWICE: usize = memory.data(<i32>POINT_SIZE, 16);
const TWICE_CACHED: usize = memory.data(<i32>CACHED_SIZE, 16);
const ODD_WALK: usize = memory.data(<i32>POINT_SIZE, 16);

/** table[i] = (2i + 1)·p in cached form, i = 0 .. count − 1. */
export function oddMultiples(table: usize, p: usize, count: i32 = 8): void {
  pointDouble(TWICE, p);
  pointToCached(TWICE_CACHED, TWICE);
  memory.copy(ODD_WALK, p, POINT_SIZE);
  pointToCached(table, ODD_WALK);
  for (let i = 1; i < count; i++) {
    pointAdd(ODD_WALK, ODD_WALK, TWICE_CACHED);
    pointToCached(table + <usize>i * CACHED_SIZE, ODD_WALK);
  }
}

const NAF_A: usize = memory.data(257, 16);
const NAF_B: usize = memory.data(257, 16);
const A_ODD: usize = memory.data(8 * <i32>CACHED_SIZE, 16);

@inline
function bit(s: usize, i: i32): i32 {
  return i < 256 ? (<i32>load<u8>(s + (<usize>i >> 3)) >> (i & 7)) & 1 : 0;
}

/** Width-w NAF of a 256-bit scalar: odd digits in (−2^(w−1), 2^(w−1)), each followed by at least w − 1 zeros. */
export function naf(out: usize, s: usize, width: i32): void {
  memory.fill(out, 0, 257);
  let carry = 0;
  let i = 0;
  while (i < 257) {
    if (bit(s, i) == carry) {
      i++;
      continue;
    }
    let window = carry;
    for (let k = 0; k < width; k++) window += bit(s, i + k) << k;
    carry = (window >> (width - 1)) & 1;
    store<i8>(out + <usize>i, <i8>(window - (carry << width)));
    i += width;
  }
}

/** out = [a]A + [b]B for 32-byte little-endian scalars a, b (variable time). */
export function mulDoubleVartime(out: usize, a: usize, pointA: usize, b: usize): void {
  prepareBase();
  naf(NAF_A, a, 5);
  naf(NAF_B, b, BASE_WIDTH);
  oddMultiples(A_ODD, pointA);
  let top = 256;
  while (top >= 0 && load<i8>(NAF_A + <usize>top) == 0 && load<i8>(NAF_B + <usize>top) == 0) top--;
  pointIdentity(out);
  for (let i = top; i >= 0; i--) {
    const da = <i32>load<i8>(NAF_A + <usize>i);
    const db = <i32>load<i8>(NAF_B + <usize>i);
    // T is read only by additions: a doubling keeps it only when an addition
    // follows, an addition only when another follows or the result is returned.
    if (da | db || i == 0) pointDouble(out, out);
    else pointDoubleNoT(out, out);
    if (da != 0) {
      const entry = A_ODD + <usize>((da < 0 ? -da : da) >> 1) * CACHED_SIZE;
      if (db != 0 || i == 0) {
        if (da > 0) pointAdd(out, out, entry);
        else pointSub(out, out, entry);
      } else {
        pointAddNoT(out, out, entry, <i32>(da < 0));
      }
    }
    if (db != 0) {
      const entry = BASE_ODD + <usize>((db < 0 ? -db : db) >> 1) * CACHED_SIZE;
      if (i == 0) {
        if (db > 0) pointAdd(out, out, entry);
        else pointSub(out, out, entry);
      } else {
        pointAddNoT(out, out, entry, <i32>(db < 0));
      }
    }
  }
}
