// The one reader of integers in a URL: key heights in paths, cursors and limits
// in query strings. A URL integer is decimal digits with no sign, exponent,
// radix prefix, space or leading zero ("0" itself excepted), so each number has
// one spelling: Number() would read "1e3", "0x10", " " and "-0" as numbers and
// "Infinity" past any range check. Heights are u64 on the chain, but the API
// carries them as JSON numbers, so it serves those that a double holds exactly.
import { BadRequestError } from './errors.js';

/** 2^53 - 1: the largest integer a JSON number carries exactly. */
export const MAX_URL_INTEGER = Number.MAX_SAFE_INTEGER;

const DECIMAL = /^(0|[1-9][0-9]*)$/;
/** Longer than MAX_URL_INTEGER's 16 digits is out of range: decided before Number() reads it. */
const MAX_DIGITS = String(MAX_URL_INTEGER).length;

/** The integer `raw` spells, or a 400 `bad-integer` naming `field`. */
export function parseUrlInteger(raw: string, field: string): number {
  if (!DECIMAL.test(raw)) {
    throw new BadRequestError(
      'bad-integer',
      `${field} must be decimal digits without sign, exponent or leading zeros`,
      field,
    );
  }
  const value = raw.length > MAX_DIGITS ? Infinity : Number(raw);
  if (value > MAX_URL_INTEGER) {
    throw new BadRequestError('bad-integer', `${field} must be at most ${MAX_URL_INTEGER}`, field);
  }
  return value;
}
