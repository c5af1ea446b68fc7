// The orderings of PROTOCOL.md §4.14 as pure functions: fee rates compared
// exactly (bigint cross-multiplication, no float), selection and eviction
// order, the replacement rule and the decay of the rolling minimum fee rate.

/** A fee rate as the fraction fee ÷ size, in base units per byte. */
export interface FeeRate {
  readonly fee: bigint;
  readonly size: bigint;
}

/** What the selection and eviction orders read of a pooled transaction. */
export interface Ranked {
  readonly rate: FeeRate;
  readonly addedAt: number;
  readonly idHex: string;
}

/** The rolling minimum halves every 12 h (Bitcoin Core's ROLLING_FEE_HALFLIFE). */
export const ROLLING_HALF_LIFE_MS = 12 * 60 * 60 * 1000;

/** Negative, zero or positive as a's fee rate is below, equal to or above b's. */
export function compareFeeRate(a: FeeRate, b: FeeRate): number {
  const left = a.fee * b.size;
  const right = b.fee * a.size;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function lowerFeeRate(a: FeeRate, b: FeeRate): FeeRate {
  return compareFeeRate(b, a) < 0 ? b : a;
}

/** fee ≥ rate × size: the transaction pays at least `rate` per byte. */
export function paysFeeRate(fee: bigint, size: number, rate: bigint): boolean {
  return fee >= rate * BigInt(size);
}

/** The fee rate rounded up to whole base units per byte. */
export function feeRateCeil(rate: FeeRate): bigint {
  return (rate.fee + rate.size - 1n) / rate.size;
}

/** Replacement needs newFee ≥ oldFee × percent / 100 (§4.14: 110%). */
export function paysReplacement(newFee: bigint, oldFee: bigint, percent: bigint): boolean {
  return newFee * 100n >= oldFee * percent;
}

/** Selection (§4.14): the higher fee rate first; ties: the earlier arrival, then the lower id. */
export function selectsBefore(a: Ranked, b: Ranked): boolean {
  const c = compareFeeRate(a.rate, b.rate);
  if (c !== 0) return c > 0;
  if (a.addedAt !== b.addedAt) return a.addedAt < b.addedAt;
  return a.idHex < b.idHex;
}

/**
 * Eviction: the lower effective fee rate first; ties: the later arrival, then
 * the higher id, so a newcomer never pushes out an equal-paying older tx.
 */
export function evictsBefore(aRate: FeeRate, a: Ranked, bRate: FeeRate, b: Ranked): boolean {
  const c = compareFeeRate(aRate, bRate);
  if (c !== 0) return c < 0;
  if (a.addedAt !== b.addedAt) return a.addedAt > b.addedAt;
  return a.idHex > b.idHex;
}

/**
 * The rolling minimum `elapsedMs` after it was set: halved every 12 h, and
 * zero once below half the min relay fee rate (Bitcoin Core's GetMinFee).
 */
export function decayedRollingMinimum(rate: bigint, elapsedMs: number, minRelayFeeRate: bigint): bigint {
  if (rate === 0n || elapsedMs <= 0) return rate;
  // 2^-x in 32-bit fixed point keeps any bigint rate exact enough without Number(rate).
  const factor = BigInt(Math.floor(2 ** (32 - elapsedMs / ROLLING_HALF_LIFE_MS)));
  const decayed = (rate * factor) >> 32n;
  return decayed * 2n < minRelayFeeRate ? 0n : decayed;
}
