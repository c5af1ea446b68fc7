// Every signature consensus checks goes through here (PROTOCOL.md §2.3): the
// ZIP-215 equation, plus what consensus requires on top of it — the public key
// canonically encoded, decoding to a point, not of small order, and R
// canonically encoded. ZIP-215 alone accepts a non-canonical R (y = p + 1 for
// the identity), so a signer could publish two encodings of one signature; a
// caller that verified without these checks would split the network from one
// that follows §2.3. Transactions, microblock leader signatures and Poison
// proofs use it today; endorsements and play attestations will.
import { isCanonicalEncoding, isFullOrderPoint, verify, verifyBatch } from '../crypto/ed25519.js';
import { RuleError, type RuleCode } from '../protocol/errors.js';

/** [REJECT] A public key consensus may use: canonical bytes, a curve point, [8]A ≠ identity (§2.3). */
export function isConsensusKey(key: Uint8Array): boolean {
  return isCanonicalEncoding(key) && isFullOrderPoint(key);
}

/** The signature's R (its first 32 bytes) is canonically encoded (§2.3). */
export function hasCanonicalR(signature: Uint8Array): boolean {
  return signature.length === 64 && isCanonicalEncoding(signature.subarray(0, 32));
}

/** The checks of §2.3 that need no message: the key and R. Cheap, so they run before any equation. */
export function isWellFormedSignature(signature: Uint8Array, key: Uint8Array): boolean {
  return hasCanonicalR(signature) && isConsensusKey(key);
}

export interface SignatureCheck {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly key: Uint8Array;
}

/** true iff `signature` is valid for consensus: well formed (§2.3) and the ZIP-215 equation holds. */
export function isValidSignature(check: SignatureCheck): boolean {
  return (
    isWellFormedSignature(check.signature, check.key) && verify(check.signature, check.message, check.key)
  );
}

/**
 * Throws a RuleError with the signature's own code (§2.3: "a failure is a
 * failed signature under that signature's code") unless `check` holds.
 */
export function checkSignature(
  check: SignatureCheck,
  code: RuleCode,
  details: Readonly<Record<string, unknown>> = {},
): void {
  if (!isWellFormedSignature(check.signature, check.key)) {
    throw new RuleError(code, { ...details, reason: 'key or R not canonical, or a small-order key' });
  }
  if (!verify(check.signature, check.message, check.key)) throw new RuleError(code, details);
}

/**
 * isValidSignature over many items with one batch verification (§2.3: single
 * and batch verification agree): the index of the first invalid one, or −1.
 */
export function firstInvalidSignature(checks: readonly SignatureCheck[]): number {
  const malformed = checks.findIndex((c) => !isWellFormedSignature(c.signature, c.key));
  const valid = verifyBatch(
    checks
      .slice(0, malformed === -1 ? checks.length : malformed)
      .map((c) => ({ signature: c.signature, message: c.message, publicKey: c.key })),
  );
  const bad = valid.indexOf(false);
  return bad !== -1 ? bad : malformed;
}
