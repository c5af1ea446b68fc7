// The wallet's sealed box: scrypt (RFC 7914) turns the passphrase into an
// AES-256-GCM key (NIST SP 800-38D) that encrypts the seeds and authenticates,
// as additional data, everything else the file says. Only node:crypto.
// The KDF parameters, salt, nonce and tag live in the file, so the cost can
// change later without a format change (decisions 236, 237).
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { WalletError } from './errors.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

/**
 * 2^17: half of Ethereum's keystore v3 (2^18, r=8, p=1). About 0.4 s and 128 MiB
 * per wallet command on a 2-core machine, where every signing command pays it (decision 236).
 */
export const DEFAULT_SCRYPT: ScryptParams = { n: 2 ** 17, r: 8, p: 1 };
/** A file asking for more is refused before scrypt runs: 128·N·r·p bytes at most 512 MiB. */
export const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;
/** Bounds on a stored cost, so a doctored file cannot make scrypt spin for hours. */
export const MAX_SCRYPT_R = 32;
export const MAX_SCRYPT_P = 16;
export const SALT_LENGTH = 32;
/** GCM's recommended 96-bit nonce (SP 800-38D §8.2); fresh and random on every save. */
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const KEY_LENGTH = 32;
export const CIPHER = 'aes-256-gcm';
export const KDF = 'scrypt';

export interface Sealed {
  readonly kdf: ScryptParams & { readonly salt: Uint8Array };
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/** 128·N·r·p: what scrypt allocates for its big vector, plus the small ones. */
export function scryptMemory({ n, r, p }: ScryptParams): number {
  return 128 * n * r + 128 * r * p + 256 * r;
}

/** Throws `wallet-bad-format` for a cost that is not a power-of-two N, or that exceeds the bounds above. */
export function checkScryptParams(params: ScryptParams, where: string): void {
  const { n, r, p } = params;
  const ok =
    Number.isSafeInteger(n) &&
    n >= 2 &&
    (n & (n - 1)) === 0 &&
    Number.isSafeInteger(r) &&
    r >= 1 &&
    r <= MAX_SCRYPT_R &&
    Number.isSafeInteger(p) &&
    p >= 1 &&
    p <= MAX_SCRYPT_P &&
    scryptMemory(params) <= MAX_SCRYPT_MEMORY;
  if (!ok) {
    throw new WalletError(
      'wallet-bad-format',
      `${where}: scrypt parameters n=${n} r=${r} p=${p} are not a power-of-two n with r ≤ ${MAX_SCRYPT_R}, p ≤ ${MAX_SCRYPT_P} and at most ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB`,
    );
  }
}

/**
 * The passphrase as bytes: UTF-8 of its NFKD form, as BIP-39 does, so the same
 * passphrase typed on two systems that compose accents differently opens the wallet.
 */
export function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFKD'), 'utf8');
}

async function deriveKey(passphrase: string, kdf: Sealed['kdf']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphraseBytes(passphrase),
      kdf.salt,
      KEY_LENGTH,
      // node's default maxmem is 32 MiB; N=2^17, r=8 needs 128 MiB.
      { N: kdf.n, r: kdf.r, p: kdf.p, maxmem: scryptMemory(kdf) + 1024 * 1024 },
      (error, key) => {
        if (error === null) resolve(key);
        else reject(error);
      },
    );
  });
}

/**
 * Encrypts `plaintext` under a key derived from `passphrase` with a fresh salt and
 * nonce; `aad` gives the additional data, which may name them.
 */
export async function seal(
  plaintext: Uint8Array,
  aad: (header: Omit<Sealed, 'ciphertext' | 'tag'>) => Uint8Array,
  passphrase: string,
  cost: ScryptParams = DEFAULT_SCRYPT,
): Promise<Sealed> {
  checkScryptParams(cost, 'the new wallet');
  const kdf = { n: cost.n, r: cost.r, p: cost.p, salt: randomBytes(SALT_LENGTH) };
  const nonce = randomBytes(NONCE_LENGTH);
  const key = await deriveKey(passphrase, kdf);
  const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad({ kdf, nonce }));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return { kdf, nonce, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * The plaintext, or `wallet-bad-passphrase` when the tag does not match: GCM cannot
 * tell a wrong passphrase from an edited file, so the message names both.
 */
export async function open(
  sealed: Sealed,
  aad: Uint8Array,
  passphrase: string,
  where: string,
): Promise<Buffer> {
  const key = await deriveKey(passphrase, sealed.kdf);
  try {
    const decipher = createDecipheriv(CIPHER, key, sealed.nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new WalletError(
      'wallet-bad-passphrase',
      `${where}: wrong passphrase, or the file was altered (its authentication tag does not match)`,
    );
  } finally {
    key.fill(0);
  }
}
