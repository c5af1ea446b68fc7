// Verification under ZIP-215 (PROTOCOL.md §2.3): S < L, A and R decoded
// without requiring canonical encodings, and the cofactored equation
// [8][S]B = [8]R + [8][k]A, checked as [8]([S]B − [k]A − R) = identity.
import { sha512Final, sha512Init, sha512Update, SHA512_CTX_SIZE } from '../sha512';
import { CACHED_SIZE, POINT_SIZE, pointDecode, pointIsIdentity, pointMulByCofactor, pointNegate, pointSub, pointToCached } from './point';
import { scIsCanonical, scReduce } from './scalar';
import { mulDoubleVartime } from './scalarmult';

const A: usize = memory.data(<i32>POINT_SIZE, 16);
const R: usize = memory.data(<i32>POINT_SIZE, 16);
const R_CACHED: usize = memory.data(<i32>CACHED_SIZE, 16);
const SUM: usize = memory.data(<i32>POINT_SIZE, 16);
const K: usize = memory.data(64, 16);
const CTX: usize = memory.data(<i32>SHA512_CTX_SIZE, 16);

/** k = SHA-512(R ‖ A ‖ M), the 64 bytes before reduction, into `out`. */
export function challengeHash(out: usize, signature: usize, publicKey: usize, message: usize, length: usize): void {
  sha512Init(CTX);
  sha512Update(CTX, signature, 32);
  sha512Update(CTX, publicKey, 32);
  sha512Update(CTX, message, length);
  sha512Final(CTX, out);
}

/** 1 if the signature is valid for a challenge hash already computed (64 bytes at `hash`), else 0. */
export function verifyWithHash(signature: usize, publicKey: usize, hash: usize): i32 {
  if (!scIsCanonical(signature + 32)) return 0;
  if (!pointDecode(A, publicKey)) return 0;
  if (!pointDecode(R, signature)) return 0;
  scReduce(K, hash);
  // [S]B − [k]A = [−k]A + [S]B: negate A instead of k.
  pointNegate(A, A);
  mulDoubleVartime(SUM, K, A, signature + 32);
  pointToCached(R_CACHED, R);
  pointSub(SUM, SUM, R_CACHED);
  pointMulByCofactor(SUM, SUM);
  return pointIsIdentity(SUM);
}

/** 1 if `signature` (R ‖ S) is valid for the message under `publicKey`, else 0. */
export function verify(signature: usize, publicKey: usize, message: usize, length: usize): i32 {
  challengeHash(K, signature, publicKey, message, length);
  return verifyWithHash(signature, publicKey, K);
}

/** 1 if `bytes` decode (ZIP-215) to a point of order dividing 8, 0 if to another point, −1 if not at all. */
export function isSmallOrder(bytes: usize): i32 {
  if (!pointDecode(A, bytes)) return -1;
  pointMulByCofactor(SUM, A);
  return pointIsIdentity(SUM);
}
