// Amounts are bigint base units; 1 ALTO = 10^18 (PROTOCOL.md §2.1). The text
// form is a plain decimal with at most 18 fraction digits: no sign, no
// exponent, no spaces, no grouping. Wire amounts are u128.
import { RuleError } from './errors.js';

export const DECIMALS = 18;
export const BASE_UNITS_PER_ALTO = 10n ** 18n;
export const MAX_AMOUNT = (1n << 128n) - 1n;

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** "1.5" → 1500000000000000000n. Throws `bad-amount` on anything else than a plain decimal. */
export function parseAlto(text: string): bigint {
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw new RuleError('bad-amount', { text, reason: 'expected a plain decimal such as 1.5' });
  }
  const whole = match[1]!;
  const fraction = match[2] ?? '';
  if (fraction.length > DECIMALS) {
    throw new RuleError('bad-amount', { text, reason: `more than ${DECIMALS} decimals` });
  }
  const units = BigInt(whole) * BASE_UNITS_PER_ALTO + BigInt(fraction.padEnd(DECIMALS, '0'));
  if (units > MAX_AMOUNT) throw new RuleError('bad-amount', { text, reason: 'above the u128 maximum' });
  return units;
}

/** 1500000000000000000n → "1.5": the shortest exact decimal. */
export function formatAlto(units: bigint): string {
  if (units < 0n) throw new RangeError(`amounts are never negative: ${units}`);
  const whole = units / BASE_UNITS_PER_ALTO;
  const fraction = (units % BASE_UNITS_PER_ALTO).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}
