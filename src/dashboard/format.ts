// How the dashboard writes numbers: hash rates with SI prefixes as cpuminer-opt
// prints them, ALTO amounts (bigint base units, 18 decimals) rounded down for
// reading with the exact value kept for a tooltip, ages, sizes, short ids.
// Pure functions: test/dashboard/format.test.ts runs them under Node.
import { formatAlto } from '../client/values.js';

const BASE_UNITS_PER_ALTO = 10n ** 18n;
const HASH_UNITS = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s'] as const;

/** 152.3 → "152.3 H/s", 15234 → "15.23 kH/s": 1000 per prefix, as cpuminer-opt prints them. */
export function formatHashRate(hashesPerSecond: number): string {
  if (!Number.isFinite(hashesPerSecond) || hashesPerSecond <= 0) return '0 H/s';
  let value = hashesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < HASH_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // yespower rates are small: plain H/s keeps one decimal; a prefixed unit keeps three or four digits.
  const decimals = unit === 0 || value >= 100 ? 1 : 2;
  return `${value.toFixed(decimals)} ${HASH_UNITS[unit]!}`;
}

/** Groups the integer digits in threes: "25000000" → "25,000,000". */
export function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Base units → "1,234.56 ALTO", rounded down to `decimals` places (the tooltip gets the exact value). */
export function formatAltoShort(units: bigint, decimals = 2): string {
  const scale = 10n ** BigInt(18 - decimals);
  const rounded = units / scale;
  const whole = rounded / 10n ** BigInt(decimals);
  const fraction = (rounded % 10n ** BigInt(decimals)).toString().padStart(decimals, '0');
  const text =
    decimals === 0 ? groupDigits(whole.toString()) : `${groupDigits(whole.toString())}.${fraction}`;
  const approx = units % scale !== 0n ? '≈ ' : '';
  return `${approx}${text} ALTO`;
}

/** The exact amount, for a tooltip: "0.000000000000000001 ALTO". */
export function formatAltoExact(units: bigint): string {
  return `${formatAlto(units)} ALTO`;
}

/** part / whole as a percentage with two decimals, exact for bigint amounts past 2^53. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 10000n) / whole) / 100;
}

/** A block or peer id shortened for a table: "00ab12cd…9f3e". */
export function shortId(id: string, head = 8, tail = 4): string {
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`;
}

/** Seconds → "42 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Bytes → "512 B", "1.5 kB", "2.3 MB" (1000 per prefix, as the mempool's byte cap is written). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A fee rate in base units per byte, also as ALTO per 1,000 bytes (what a typical transaction pays). */
export function formatFeeRate(baseUnitsPerByte: bigint): string {
  const perKb = baseUnitsPerByte * 1000n;
  return `${groupDigits(baseUnitsPerByte.toString())} base units/B (${formatAlto(perKb)} ALTO/kB)`;
}

export { BASE_UNITS_PER_ALTO };
