// Targets, compact bits, chain work and the LWMA-1 retarget (PROTOCOL.md §3.6).
import { RuleError } from '../protocol/errors.js';
import type { NetworkParams } from '../protocol/params.js';

const TWO_256 = 1n << 256n;

/** target(bits); throws `bad-bits` for a negative mantissa, zero, or a value ≥ 2^256. */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x7fffff;
  if ((bits & 0x800000) !== 0 && mantissa !== 0)
    throw new RuleError('bad-bits', { bits, reason: 'negative' });
  const value =
    exponent <= 3
      ? BigInt(mantissa) >> BigInt(8 * (3 - exponent))
      : BigInt(mantissa) << BigInt(8 * (exponent - 3));
  if (value >= TWO_256) throw new RuleError('bad-bits', { bits, reason: 'overflow' });
  return value;
}

/** Bitcoin's GetCompact: the normalised compact form of a target. */
export function bitsFromTarget(target: bigint): number {
  if (target < 0n || target >= TWO_256) throw new RangeError(`target out of range: ${target}`);
  let size = 0;
  for (let t = target; t > 0n; t >>= 8n) size++;
  let mantissa =
    size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number(target >> BigInt(8 * (size - 3)));
  if ((mantissa & 0x800000) !== 0) {
    mantissa >>= 8;
    size++;
  }
  return ((size << 24) | mantissa) >>> 0;
}

/** The target a key block must meet, with `bad-bits` unless 0 < target ≤ POW_LIMIT (§3.5 rule 2). */
export function checkedTarget(bits: number, params: NetworkParams): bigint {
  const target = targetFromBits(bits);
  if (target === 0n || target > targetFromBits(params.powLimitBits)) {
    throw new RuleError('bad-bits', { bits, reason: 'outside (0, POW_LIMIT]' });
  }
  return target;
}

/** A target as the 32 little-endian bytes the PoW hash is compared with (LE256, §3.2). */
export function targetBytes(target: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((target >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** floor(2^256 / (target + 1)): the work a block of this target adds (§3.4). */
export function workOf(target: bigint): bigint {
  return TWO_256 / (target + 1n);
}

export interface KeyBlockTiming {
  readonly time: number;
  readonly bits: number;
}

/**
 * NextBits after a parent at height hL, given the key blocks K[0..hL] of the
 * parent chain (only the last N + 1 are read). LWMA-1 with N = 90, T = 60 on
 * mainnet and testnet; regtest keeps POW_LIMIT.
 */
export function nextBits(
  parentHeight: number,
  chain: (height: number) => KeyBlockTiming,
  params: NetworkParams,
): number {
  const limit = targetFromBits(params.powLimitBits);
  if (params.retarget === null) return params.powLimitBits;
  const { window: n, spacing: t } = params.retarget;
  if (parentHeight < n) return bitsFromTarget(limit);
  const k = BigInt((n * (n + 1) * t) / 2);
  let previous = chain(parentHeight - n).time;
  let weightedSolveTimes = 0n;
  let average = 0n;
  for (let j = 1; j <= n; j++) {
    const block = chain(parentHeight - n + j);
    const stamp = Math.max(block.time, previous + 1);
    const solveTime = Math.min(6 * t, stamp - previous);
    previous = stamp;
    weightedSolveTimes += BigInt(solveTime * j);
    average += targetFromBits(block.bits) / BigInt(n) / k;
  }
  const next = average * weightedSolveTimes;
  return bitsFromTarget(next < limit ? next : limit);
}
