// Stratum share difficulty (PROTOCOL.md §11.4). Pure: no I/O.
//
// A share at difficulty d is valid iff LE256(hash) ≤ floor(2^112/d)·2^128 + 2^128 − 1, which is
// cpuminer-opt's `diff_to_hash` with yespower's target factor 65536. The server sends only d = 2^k,
// so everything here passes the integer exponent k around and never a float difficulty: 2^k is
// exact as a JS number, and floor(2^112/2^k) = 2^(112−k) is exact as a bigint.

/** §11.4: k ≥ −15 keeps the target's high half, 2^(112−k), within 128 bits. */
export const MIN_EXPONENT = -15;
/** Past k = 112, floor(2^112/d) is 0 and harder difficulties all share the target 2^128 − 1. */
export const MAX_EXPONENT = 112;

const ALL_ONES_128 = (1n << 128n) - 1n;

function checkExponent(exponent: number): void {
  if (!Number.isInteger(exponent) || exponent < MIN_EXPONENT || exponent > MAX_EXPONENT) {
    throw new RangeError(`share exponent ${exponent} outside [${MIN_EXPONENT}, ${MAX_EXPONENT}]`);
  }
}

/** §11.4: floor(2^112 / d)·2^128 + 2^128 − 1 for d = 2^k (k ≥ MIN_EXPONENT; throws RangeError below). */
export function shareTarget(exponent: number): bigint {
  checkExponent(exponent);
  return (1n << BigInt(112 - exponent + 128)) + ALL_ONES_128;
}

/** The number sent in mining.set_difficulty: 2^k, exact as a JS number (2^-15 = 0.000030517578125). */
export function difficultyOf(exponent: number): number {
  checkExponent(exponent);
  return 2 ** exponent;
}

/**
 * The largest k ≥ MIN_EXPONENT whose share target is still ≥ blockTarget (the server never sends a
 * difficulty whose share target is below the block target). On regtest (target ≈ 2^255) that is −15.
 * A block target above shareTarget(MIN_EXPONENT) (no network's POW_LIMIT is) gives MIN_EXPONENT:
 * no allowed difficulty is easier, and every block is then a share as well.
 */
export function maxExponent(blockTarget: bigint): number {
  let k = MIN_EXPONENT;
  while (k < MAX_EXPONENT && shareTarget(k + 1) >= blockTarget) k++;
  return k;
}

/**
 * A starting difficulty asked for by a miner (the `d=<number>` password hint, any positive finite
 * number): the power of two at or below it, clamped to [MIN_EXPONENT, max]; undefined for NaN/≤0/∞.
 */
export function exponentFor(difficulty: number, max: number): number | undefined {
  checkExponent(max);
  if (!Number.isFinite(difficulty) || difficulty <= 0) return undefined;
  let k = Math.floor(Math.log2(difficulty));
  // Math.log2 may round across an integer right next to a power of two; settle it exactly.
  if (2 ** k > difficulty) k--;
  if (2 ** (k + 1) <= difficulty) k++;
  return Math.min(max, Math.max(MIN_EXPONENT, k));
}

/** Digits, an optional fraction and exponent: what cpuminer's `-p d=0.5` and pools' `d=16` use. */
const DIFFICULTY_HINT = /^d=((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;

/**
 * The `d=<difficulty>` hint in a mining.authorize password (§11.3), as a number, or undefined when the
 * password carries none. Comma-separated fields are searched (`x,d=16`), the first hint wins; a hint
 * that is not a plain decimal number is ignored rather than guessed at.
 */
export function difficultyHint(password: string): number | undefined {
  for (const field of password.split(',')) {
    const match = DIFFICULTY_HINT.exec(field.trim());
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

/** Expected hashes per share at exponent k: 2^256 / (shareTarget(k) + 1), as a number (≈ 2^(k+16)). */
export function hashesPerShare(exponent: number): number {
  return 2 ** 256 / Number(shareTarget(exponent) + 1n);
}
