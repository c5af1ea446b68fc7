// Signatures whose R is the identity point written non-canonically (PROTOCOL.md
// §2.3). With R = identity, [8]S·B = [8]R + [8]k·A holds for S = k·a mod L,
// where a is the signer's secret scalar: ZIP-215 accepts such a signature, and
// only the canonical-R rule of §2.3 refuses it.
import { createHash } from 'node:crypto';
import { getPublicKey } from '../../src/crypto/ed25519.js';

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const le = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
};

const toLe32 = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};

/** The identity (0, 1) as y = p + 1: a value ≥ p (§2.3). */
export const IDENTITY_Y_P_PLUS_1 = toLe32(P + 1n);
/** The identity as y = 1 with the sign bit set: x = 0 with the sign bit (§2.3). */
export const IDENTITY_SIGNED_ZERO_X = (() => {
  const bytes = toLe32(1n);
  bytes[31]! |= 0x80;
  return bytes;
})();

/** A signature R ‖ S of `message` by `seed` with the given encoding of the identity as R. */
export function signWithIdentityR(message: Uint8Array, seed: Uint8Array, r: Uint8Array): Uint8Array {
  const h = createHash('sha512').update(seed).digest();
  const scalarBytes = Uint8Array.from(h.subarray(0, 32));
  scalarBytes[0]! &= 248;
  scalarBytes[31]! &= 127;
  scalarBytes[31]! |= 64;
  const a = le(scalarBytes);
  const k = le(createHash('sha512').update(r).update(getPublicKey(seed)).update(message).digest()) % L;
  const signature = new Uint8Array(64);
  signature.set(r);
  signature.set(toLe32((k * a) % L), 32);
  return signature;
}
