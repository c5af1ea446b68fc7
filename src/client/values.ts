// The values a music app handles: hex (ids display as hex of the raw bytes,
// §2.2), addresses (§2.4), ALTO amounts as bigint base units (§2.1). Plain
// JavaScript, no Buffer: this module runs in a browser as it is.
import { accountId, ACCOUNT_LENGTH, decodeAddress, encodeAddress } from '../protocol/address.js';
import { formatAlto, parseAlto } from '../protocol/amount.js';
import type { NetworkParams } from '../protocol/params.js';
import { InvalidArgumentError } from '../util/errors.js';

export { ACCOUNT_LENGTH, formatAlto, parseAlto };

const HEX_DIGITS = '0123456789abcdef';
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return out;
}

/** The bytes of an even-length hex string (either case); `bad-hex` on anything else. */
export function fromHex(hex: string, length?: number): Uint8Array {
  if (!HEX.test(hex)) throw new InvalidArgumentError('bad-hex', `expected hex digits in pairs, got '${hex}'`);
  if (length !== undefined && hex.length !== 2 * length) {
    throw new InvalidArgumentError('bad-hex', `expected ${2 * length} hex digits, got ${hex.length}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes given as bytes or hex, checked to be `length` long. */
export type BytesLike = Uint8Array | string;

export function bytesOf(name: string, value: BytesLike, length: number): Uint8Array {
  const bytes = typeof value === 'string' ? fromHex(value, length) : value;
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new InvalidArgumentError('bad-length', `${name} is ${length} bytes`);
  }
  return bytes;
}

/** An account given as its 20 bytes or as an address of `params`' network (`bad-address`). */
export type AccountLike = Uint8Array | string;

export function accountOf(name: string, value: AccountLike, params: NetworkParams): Uint8Array {
  if (typeof value === 'string') return decodeAddress(params.hrp, value);
  return bytesOf(name, value, ACCOUNT_LENGTH);
}

/** The address of a public key on `params`' network. */
export function addressOfKey(publicKey: Uint8Array, params: NetworkParams): string {
  return encodeAddress(params.hrp, accountId(publicKey));
}

/** The address of a 20-byte account on `params`' network. */
export function addressOfAccount(account: Uint8Array, params: NetworkParams): string {
  return encodeAddress(params.hrp, account);
}

export { accountId };
