// Points of edwards25519 (−x² + y² = 1 + d·x²·y²) in extended coordinates
// (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z, with the formulas of Hisil,
// Wong, Carter and Dawson, "Twisted Edwards Curves Revisited" (2008), for
// a = −1. Decoding follows RFC 8032 §5.1.3 relaxed as ZIP-215 requires: y may
// be ≥ p, and x = 0 with the sign bit set decodes (to x = 0).
//
// Layouts (each coordinate a field element of FE_SIZE bytes):
//   point   X, Y, Z, T                         POINT_SIZE = 160
//   cached  Y+X, Y−X, Z, 2d·T  (an addend)      CACHED_SIZE = 160
import {
  FE_SIZE,
  feAdd,
  feCopy,
  feFromBytes,
  feInvert,
  feIsNegative,
  feIsZero,
  feMul,
  feNeg,
  feOne,
  fePow22523,
  feSelect,
  feSq,
  feSub,
  feToBytes,
  feZero,
} from './field';

export const POINT_SIZE: usize = 4 * FE_SIZE;
export const CACHED_SIZE: usize = 4 * FE_SIZE;

const X: usize = 0;
const Y: usize = FE_SIZE;
const Z: usize = 2 * FE_SIZE;
const T: usize = 3 * FE_SIZE;
// cached
const YPX: usize = 0;
const YMX: usize = FE_SIZE;
const T2D: usize = 3 * FE_SIZE;

// d = −121665/121666, 2d and √−1, little-endian (RFC 8032 §5.1).
const D_BYTES: usize = memory.data<u8>([
  0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
  0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
]);
const D2_BYTES: usize = memory.data<u8>([
  0x59, 0xf1, 0xb2, 0x26, 0x94, 0x9b, 0xd6, 0xeb, 0x56, 0xb1, 0x83, 0x82, 0x9a, 0x14, 0xe0, 0x00,
  0x30, 0xd1, 0xf3, 0xee, 0xf2, 0x80, 0x8e, 0x19, 0xe7, 0xfc, 0xdf, 0x56, 0xdc, 0xd9, 0x06, 0x24,
]);
const SQRT_M1_BYTES: usize = memory.data<u8>([
  0xb0, 0xa0, 0x0e, 0x4a, 0x27, 0x1b, 0xee, 0xc4, 0x78, 0xe4, 0x2f, 0xad, 0x06, 0x18, 0x43, 0x2f,
  0xa7, 0xd7, 0xfb, 0x3d, 0x99, 0x00, 0x4d, 0x2b, 0x0b, 0xdf, 0xc1, 0x4f, 0x80, 0x24, 0x83, 0x2b,
]);
/** The base point B: y = 4/5, x even (RFC 8032 §5.1). */
export const BASE_BYTES: usize = memory.data<u8>([
  0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
]);

const D: usize = memory.data(40, 16);
const D2: usize = memory.data(40, 16);
const SQRT_M1: usize = memory.data(40, 16);
let constantsReady = false;

function loadConstants(): void {
  if (constantsReady) return;
  feFromBytes(D, D_BYTES);
  feFromBytes(D2, D2_BYTES);
  feFromBytes(SQRT_M1, SQRT_M1_BYTES);
  constantsReady = true;
}

export function pointIdentity(p: usize): void {
  feZero(p + X);
  feOne(p + Y);
  feOne(p + Z);
  feZero(p + T);
}

export function pointCopy(out: usize, p: usize): void {
  memory.copy(out, p, POINT_SIZE);
}

/** The addend form of p. */
export function pointToCached(c: usize, p: usize): void {
  loadConstants();
  feAdd(c + YPX, p + Y, p + X);
  feSub(c + YMX, p + Y, p + X);
  feCopy(c + Z, p + Z);
  feMul(c + T2D, p + T, D2);
}

const A_: usize = memory.data(40, 16);
const B_: usize = memory.data(40, 16);
const C_: usize = memory.data(40, 16);
const D_: usize = memory.data(40, 16);
const E_: usize = memory.data(40, 16);
const F_: usize = memory.data(40, 16);
const G_: usize = memory.data(40, 16);
const H_: usize = memory.data(40, 16);

/** E, F, G, H → (E·F, G·H, F·G, E·H): the common tail of addition and doubling. */
@inline
function finish(out: usize): void {
  feMul(out + X, E_, F_);
  feMul(out + Y, G_, H_);
  feMul(out + Z, F_, G_);
  feMul(out + T, E_, H_);
}

/** out = p + q for q in cached form ("add-2008-hwcd-3"). out may be p. */
export function pointAdd(out: usize, p: usize, q: usize): void {
  addCore(p, q, 0);
  finish(out);
}

/** out = p − q for q in cached form: −q swaps Y+X with Y−X and negates 2d·T. */
export function pointSub(out: usize, p: usize, q: usize): void {
  addCore(p, q, 1);
  finish(out);
}

/** p ± q without T, for a sum that is only doubled next (doubling never reads T). */
export function pointAddNoT(out: usize, p: usize, q: usize, subtract: i32): void {
  addCore(p, q, subtract);
  feMul(out + X, E_, F_);
  feMul(out + Y, G_, H_);
  feMul(out + Z, F_, G_);
}

@inline
function addCore(p: usize, q: usize, subtract: i32): void {
  feAdd(A_, p + Y, p + X);
  feSub(B_, p + Y, p + X);
  feMul(A_, A_, q + (subtract ? YMX : YPX)); // (Y1+X1)(Y2±X2)
  feMul(B_, B_, q + (subtract ? YPX : YMX)); // (Y1−X1)(Y2∓X2)
  feMul(C_, p + T, q + T2D); //                ±2d·T1·T2, sign applied below
  feMul(D_, p + Z, q + Z);
  feAdd(D_, D_, D_); //                        2·Z1·Z2
  feSub(E_, A_, B_);
  if (subtract) {
    feAdd(F_, D_, C_);
    feSub(G_, D_, C_);
  } else {
    feSub(F_, D_, C_);
    feAdd(G_, D_, C_);
  }
  feAdd(H_, A_, B_);
}

/** out = 2p ("dbl-2008-hwcd" with every sign flipped, which leaves the result unchanged). out may be p. */
export function pointDouble(out: usize, p: usize): void {
  doubleCore(p);
  finish(out);
}

/** out = 2p without T, for a result that is only doubled again or tested (doubling never reads T). */
export function pointDoubleNoT(out: usize, p: usize): void {
  doubleCore(p);
  feMul(out + X, E_, F_);
  feMul(out + Y, G_, H_);
  feMul(out + Z, F_, G_);
}

@inline
function doubleCore(p: usize): void {
  feSq(A_, p + X);
  feSq(B_, p + Y);
  feSq(C_, p + Z);
  feAdd(C_, C_, C_); //        2·Z²
  feAdd(H_, A_, B_); //        X² + Y²
  feAdd(E_, p + X, p + Y);
  feSq(E_, E_);
  feSub(E_, H_, E_); //        X² + Y² − (X+Y)²
  feSub(G_, A_, B_); //        X² − Y²
  feAdd(F_, C_, G_);
}

const U_: usize = memory.data(40, 16);
const V_: usize = memory.data(40, 16);
const V3_: usize = memory.data(40, 16);
const CHECK_: usize = memory.data(40, 16);

/**
 * Decodes 32 bytes into p under ZIP-215: the low 255 bits are y (taken mod p),
 * bit 255 is the sign of x. Returns 0 if (y² − 1)/(d·y² + 1) has no square root.
 */
export function pointDecode(p: usize, bytes: usize): i32 {
  loadConstants();
  feFromBytes(p + Y, bytes);
  feOne(p + Z);
  feSq(U_, p + Y);
  feMul(V_, U_, D);
  feSub(U_, U_, p + Z); //       u = y² − 1
  feAdd(V_, V_, p + Z); //       v = d·y² + 1
  // x = u·v³·(u·v⁷)^((p−5)/8)  (RFC 8032 §5.1.3, step 3)
  feSq(V3_, V_);
  feMul(V3_, V3_, V_); //        v³
  feSq(p + X, V3_);
  feMul(p + X, p + X, V_); //    v⁷
  feMul(p + X, p + X, U_); //    u·v⁷
  fePow22523(p + X, p + X);
  feMul(p + X, p + X, V3_);
  feMul(p + X, p + X, U_);
  // v·x² = u: x is a root; v·x² = −u: x·√−1 is; otherwise there is none.
  feSq(CHECK_, p + X);
  feMul(CHECK_, CHECK_, V_);
  feSub(CHECK_, CHECK_, U_);
  if (!feIsZero(CHECK_)) {
    feAdd(CHECK_, CHECK_, U_);
    feAdd(CHECK_, CHECK_, U_);
    if (!feIsZero(CHECK_)) return 0;
    feMul(p + X, p + X, SQRT_M1);
  }
  const sign = <i32>(load<u8>(bytes + 31) >> 7);
  if (feIsNegative(p + X) != sign) feNeg(p + X, p + X);
  feMul(p + T, p + X, p + Y);
  return 1;
}

const ZINV_: usize = memory.data(40, 16);
const AFFINE_: usize = memory.data(40, 16);

/** The 32-byte encoding of p: y with the parity of x in bit 255 (RFC 8032 §5.1.2). */
export function pointEncode(bytes: usize, p: usize): void {
  feInvert(ZINV_, p + Z);
  feMul(AFFINE_, p + X, ZINV_);
  const negative = feIsNegative(AFFINE_);
  feMul(AFFINE_, p + Y, ZINV_);
  feToBytes(bytes, AFFINE_);
  store<u8>(bytes + 31, load<u8>(bytes + 31) | (<u8>negative << 7));
}

/** out = −p: (−X, Y, Z, −T). */
export function pointNegate(out: usize, p: usize): void {
  feNeg(out + X, p + X);
  feCopy(out + Y, p + Y);
  feCopy(out + Z, p + Z);
  feNeg(out + T, p + T);
}

/** 1 if p is the identity (X = 0 and Y = Z), else 0. */
export function pointIsIdentity(p: usize): i32 {
  if (!feIsZero(p + X)) return 0;
  feSub(CHECK_, p + Y, p + Z);
  return feIsZero(CHECK_);
}

/** out = [8]p, without T. */
export function pointMulByCofactor(out: usize, p: usize): void {
  pointDoubleNoT(out, p);
  pointDoubleNoT(out, out);
  pointDoubleNoT(out, out);
}

/** Constant-time select: out = table[index] for cached points, reading every entry. */
export function cachedSelect(out: usize, table: usize, count: i32, index: i32): void {
  feOne(out + YPX);
  feOne(out + YMX);
  feOne(out + Z);
  feZero(out + T2D);
  for (let i = 0; i < count; i++) {
    const hit = <i32>(i == index);
    const entry = table + <usize>i * CACHED_SIZE;
    feSelect(out + YPX, out + YPX, entry + YPX, hit);
    feSelect(out + YMX, out + YMX, entry + YMX, hit);
    feSelect(out + Z, out + Z, entry + Z, hit);
    feSelect(out + T2D, out + T2D, entry + T2D, hit);
  }
}

/** Constant-time conditional negation of a cached point (flag 0 or 1). */
export function cachedNegateIf(c: usize, flag: i32): void {
  // −q: swap Y+X and Y−X, negate 2d·T.
  feCopy(A_, c + YPX);
  feSelect(c + YPX, c + YPX, c + YMX, flag);
  feSelect(c + YMX, c + YMX, A_, flag);
  feNeg(B_, c + T2D);
  feSelect(c + T2D, c + T2D, B_, flag);
}
