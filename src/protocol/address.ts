// Accounts and addresses (PROTOCOL.md §2.4, §2.5): an account id is the first
// 20 bytes of SHA-256(public key); an address is bech32m (BIP-350) of the
// network's HRP and those 20 bytes, with no witness version.
import { bech32m } from '@scure/base';
import { sha256 } from '../crypto/hash.js';
import { RuleError } from './errors.js';

export const ACCOUNT_LENGTH = 20;

export function accountId(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).slice(0, ACCOUNT_LENGTH);
}

/**
 * The reserve account: SHA-256("ALTO/reserve")[0, 20) (§2.5). No key hashes to it. Written out,
 * not hashed at import, so importing this module needs no wasm yet: a browser hands the wasm in
 * after its imports ran (crypto/wasm.ts). test/protocol/address.test.ts checks it against the hash.
 */
export const RESERVE_ACCOUNT: Uint8Array = Uint8Array.from([
  0xd6, 0x3d, 0x71, 0x91, 0x4e, 0x20, 0xbd, 0x51, 0xc5, 0x77, 0x66, 0x9e, 0x6d, 0x0d, 0xb9, 0x7d, 0x87, 0x75,
  0x61, 0x54,
]);

export function encodeAddress(hrp: string, account: Uint8Array): string {
  if (account.length !== ACCOUNT_LENGTH) throw new RangeError(`an account id is ${ACCOUNT_LENGTH} bytes`);
  return bech32m.encode(hrp, bech32m.toWords(account));
}

/** The 20-byte account of an address for `hrp`; `bad-address` on a wrong HRP, case mix or checksum. */
export function decodeAddress(hrp: string, address: string): Uint8Array {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw new RuleError('bad-address', { address, reason: 'mixed case' });
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(address.toLowerCase() as `${string}1${string}`);
  } catch (cause) {
    throw new RuleError('bad-address', {
      address,
      reason: cause instanceof Error ? cause.message : 'invalid',
    });
  }
  if (decoded.prefix !== hrp) {
    throw new RuleError('bad-address', { address, reason: `expected the ${hrp} prefix` });
  }
  let account: Uint8Array;
  try {
    account = bech32m.fromWords(decoded.words);
  } catch {
    throw new RuleError('bad-address', { address, reason: 'non-zero padding bits' });
  }
  if (account.length !== ACCOUNT_LENGTH) {
    throw new RuleError('bad-address', { address, reason: `expected ${ACCOUNT_LENGTH} bytes` });
  }
  return account;
}
