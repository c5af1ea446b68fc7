// The values a wallet user types and reads: networks, addresses, ALTO amounts,
// memos and tx ids. A bad value is an InvalidArgumentError that names the
// argument and says what to pass instead. cli/ reaches protocol/ only through here.
import { decodeAddress } from '../protocol/address.js';
import { formatAlto, parseAlto } from '../protocol/amount.js';
import { NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { InvalidArgumentError } from '../util/errors.js';
import { MAX_MEMO_BYTES } from './send.js';

export { formatAlto };
export type { NetworkName, NetworkParams };

export function networkParams(network: NetworkName): NetworkParams {
  return NETWORKS[network];
}

export function isAddress(text: string, params: NetworkParams): boolean {
  try {
    decodeAddress(params.hrp, text);
    return true;
  } catch {
    return false;
  }
}

/** A valid address of `params`' network, lowercased. */
export function parseAddressArg(name: string, text: string, params: NetworkParams): string {
  if (!isAddress(text, params)) {
    throw new InvalidArgumentError(
      'bad-address',
      `${name} takes a ${params.name} address (${params.hrp}1…), got '${text}'`,
    );
  }
  return text.toLowerCase();
}

/** An amount in ALTO such as 1.5, as base units; zero only when `allowZero`. */
export function parseAmountArg(name: string, text: string, opts: { allowZero?: boolean } = {}): bigint {
  let units: bigint;
  try {
    units = parseAlto(text);
  } catch {
    throw new InvalidArgumentError(
      'bad-amount',
      `${name} takes an amount of ALTO such as 1.5 (at most 18 decimals), got '${text}'`,
    );
  }
  if (units === 0n && opts.allowZero !== true) {
    throw new InvalidArgumentError('bad-amount', `${name} must be more than 0 ALTO, got '${text}'`);
  }
  return units;
}

export function parseMemoArg(name: string, text: string): Uint8Array {
  const memo = new TextEncoder().encode(text);
  if (memo.length > MAX_MEMO_BYTES) {
    throw new InvalidArgumentError(
      'oversize',
      `${name} takes at most ${MAX_MEMO_BYTES} bytes of UTF-8, got ${memo.length}`,
    );
  }
  return memo;
}

/** A txid: 64 hex digits (§2.2), lowercased. */
export function parseTxIdArg(name: string, text: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new InvalidArgumentError('bad-txid', `${name} takes a txid of 64 hex digits, got '${text}'`);
  }
  return text.toLowerCase();
}

/** The API a node listens on by default: loopback, the network's API port. */
export function defaultApiUrl(params: NetworkParams): string {
  return `http://127.0.0.1:${params.ports.api}`;
}

export function parseApiUrlArg(name: string, text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError('bad-flag', `${name} takes an http:// or https:// URL, got '${text}'`);
  }
  return text.replace(/\/+$/, '');
}

/** JSON with bigints as decimal strings, as the API writes amounts. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
