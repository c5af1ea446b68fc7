// The wallet file, <datadir>/wallet.json: the network it belongs to and a list
// of labelled ed25519 keys with their addresses (PROTOCOL.md §2.3, §2.4).
// Version 2 (encrypted, decisions 235-237): labels, addresses and public keys in
// the clear, so listing and the devnet payout need no passphrase; the seeds
// concatenated in key order, sealed with scrypt + AES-256-GCM, the rest of the
// file being the GCM additional data, so editing any of it breaks the tag.
//   { "version": 2, "network": "regtest",
//     "keys": [ { "label": "faucet", "address": "ralto1…", "publicKey": "<64 hex>", "public": true },
//               { "label": "default", "address": "ralto1…", "publicKey": "<64 hex>" } ],
//     "crypto": { "cipher": "aes-256-gcm", "kdf": "scrypt",
//                 "kdfparams": { "n": 131072, "r": 8, "p": 1, "salt": "<64 hex>" },
//                 "nonce": "<24 hex>", "ciphertext": "<64 hex per secret key>", "tag": "<32 hex>" } }
// The regtest faucet key (§1.3) is public: marked so, its seed derived, never sealed.
// Version 1 (plaintext, read and migrated with `wallet encrypt`, decision 239):
//   { "version": 1, "network": "regtest",
//     "keys": [ { "label": "default", "seed": "<64 hex>", "address": "ralto1…" } ] }
// Either way the file is 0600 in a 0700 directory, and replaced atomically so a
// crash leaves either the old wallet or the new one.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getPublicKey, SEED_LENGTH } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { accountId, encodeAddress } from '../protocol/address.js';
import { FAUCET_SEED_TEXT, NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { InvalidArgumentError } from '../util/errors.js';
import { WalletError } from './errors.js';
import { equalBytes, fromHex, toHex } from '../util/bytes.js';
import {
  CIPHER,
  checkScryptParams,
  DEFAULT_SCRYPT,
  KDF,
  NONCE_LENGTH,
  open as openSealed,
  SALT_LENGTH,
  seal,
  TAG_LENGTH,
  type Sealed,
  type ScryptParams,
} from './keystore-crypto.js';

export const WALLET_FILE = 'wallet.json';
export const DEFAULT_LABEL = 'default';
export const FAUCET_LABEL = 'faucet';

/** At most 32 characters, so no label can be mistaken for an address (39 or more). */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SEED_HEX = /^[0-9a-f]{64}$/;

export interface WalletKey {
  readonly label: string;
  /**
   * The 32-byte ed25519 secret seed (RFC 8032 §5.1.5). On a key of an encrypted
   * wallet loaded without its passphrase (`locked`), reading it throws `wallet-locked`.
   */
  readonly seed: Uint8Array;
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** True on a key of an encrypted wallet loaded without its passphrase. */
  readonly locked?: boolean;
}

export interface Wallet {
  /** 1: seeds in the clear (the old format); 2: seeds encrypted. */
  readonly version: 1 | 2;
  readonly network: NetworkName;
  readonly keys: readonly WalletKey[];
  /** Version 2: the scrypt cost the file is sealed with; saving again keeps it (decision 236). */
  readonly kdf?: ScryptParams;
}

export type RandomBytes = (length: number) => Uint8Array;

export function walletPath(datadir: string): string {
  return join(datadir, WALLET_FILE);
}

export function checkLabel(label: string): void {
  if (!LABEL.test(label)) {
    throw new InvalidArgumentError(
      'bad-label',
      `a key label (--label) is 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit; got '${label}'`,
    );
  }
}

/**
 * A label for a key the user adds: valid, and not 'faucet', which names the
 * network's public faucet key (§1.3) wherever a wallet holds it. 'default' is
 * free to take: it is the label `wallet new` gives a wallet's first key anyway.
 */
export function checkNewLabel(label: string): void {
  checkLabel(label);
  if (label === FAUCET_LABEL) {
    throw new InvalidArgumentError(
      'reserved-label',
      `--label '${label}' is reserved for the network's public faucet key (PROTOCOL.md §1.3): pick another label`,
    );
  }
}

export function addressOfSeed(seed: Uint8Array, params: NetworkParams): string {
  return encodeAddress(params.hrp, accountId(getPublicKey(seed)));
}

export function keyFromSeed(label: string, seed: Uint8Array, params: NetworkParams): WalletKey {
  checkLabel(label);
  const publicKey = getPublicKey(seed);
  return { label, seed, address: encodeAddress(params.hrp, accountId(publicKey)), publicKey };
}

/** A key whose seed is sealed in `path`: its public parts only. */
function lockedKey(label: string, address: string, publicKey: Uint8Array, path: string): WalletKey {
  return {
    label,
    address,
    publicKey,
    locked: true,
    get seed(): Uint8Array {
      throw new WalletError(
        'wallet-locked',
        `${path} is encrypted: the seed of its key '${label}' needs the wallet's passphrase`,
      );
    },
  };
}

/** Whether `key` is the network's public faucet key (§1.3), the one key never encrypted. */
export function isPublicKey(key: WalletKey, params: NetworkParams): boolean {
  return key.label === FAUCET_LABEL && key.address === faucetKey(params)?.address;
}

/** Whether the file keeps secret seeds in the clear: a version-1 wallet with a key other than the faucet's. */
export function holdsPlaintextSecrets(wallet: Wallet, params: NetworkParams): boolean {
  return wallet.version === 1 && wallet.keys.some((k) => !isPublicKey(k, params));
}

/** A key with a fresh random seed; `random` is a parameter so tests can pass a seeded stream. */
export function createKey(
  label: string,
  params: NetworkParams,
  random: RandomBytes = randomBytes,
): WalletKey {
  const seed = Uint8Array.from(random(SEED_LENGTH));
  if (seed.length !== SEED_LENGTH)
    throw new RangeError(`random gave ${seed.length} bytes, not ${SEED_LENGTH}`);
  return keyFromSeed(label, seed, params);
}

/** The public faucet key of §1.3 (seed = SHA-256 of the network's faucet text); mainnet has none. */
export function faucetKey(params: NetworkParams): WalletKey | undefined {
  const text = FAUCET_SEED_TEXT[params.name];
  return text === undefined
    ? undefined
    : keyFromSeed(FAUCET_LABEL, sha256(new TextEncoder().encode(text)), params);
}

export function emptyWallet(params: NetworkParams): Wallet {
  return { version: 1, network: params.name, keys: [] };
}

/** The key with this address, else the key with this label. */
export function findKey(wallet: Wallet, labelOrAddress: string): WalletKey | undefined {
  return (
    wallet.keys.find((k) => k.address === labelOrAddress) ??
    wallet.keys.find((k) => k.label === labelOrAddress)
  );
}

/** A new wallet with `key` appended; labels and addresses stay unique. */
export function addKey(wallet: Wallet, key: WalletKey): Wallet {
  if (wallet.keys.some((k) => k.label === key.label)) {
    throw new WalletError('duplicate-key', `the wallet already has a key labelled '${key.label}'`);
  }
  if (wallet.keys.some((k) => k.address === key.address)) {
    throw new WalletError('duplicate-key', `the wallet already holds ${key.address}`);
  }
  return { ...wallet, keys: [...wallet.keys, key] };
}

/** 'default' while no key has it, else the first free `key-<n>`. */
export function nextLabel(wallet: Wallet): string {
  const taken = new Set(wallet.keys.map((k) => k.label));
  if (!taken.has(DEFAULT_LABEL)) return DEFAULT_LABEL;
  let n = wallet.keys.length;
  while (taken.has(`key-${n}`)) n++;
  return `key-${n}`;
}

function badFormat(path: string, what: string): WalletError {
  return new WalletError('wallet-bad-format', `${path}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hexField(path: string, value: unknown, bytes: number, what: string): Uint8Array {
  if (typeof value !== 'string' || value.length !== bytes * 2 || !/^[0-9a-f]*$/.test(value)) {
    throw badFormat(path, `${what} is not ${bytes * 2} lowercase hex digits`);
  }
  return fromHex(value);
}

function parsePlainKey(path: string, raw: unknown, index: number, params: NetworkParams): WalletKey {
  if (!isRecord(raw)) throw badFormat(path, `keys[${index}] is not an object`);
  const { label, seed, address } = raw;
  if (typeof label !== 'string' || !LABEL.test(label)) {
    throw badFormat(path, `keys[${index}] has no valid label`);
  }
  if (typeof seed !== 'string' || !SEED_HEX.test(seed)) {
    throw new WalletError(
      'wallet-bad-seed',
      `${path}: the seed of key '${label}' is not 64 lowercase hex digits`,
    );
  }
  const key = keyFromSeed(label, fromHex(seed), params);
  if (address !== key.address) {
    throw new WalletError(
      'wallet-address-mismatch',
      `${path}: key '${label}' lists the address ${String(address)}, but its seed gives ${key.address}`,
    );
  }
  return key;
}

/** One key entry of a version-2 file: public parts, and whether it is the public faucet key. */
interface SealedEntry {
  readonly label: string;
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly public: boolean;
}

function parseSealedEntry(path: string, raw: unknown, index: number, params: NetworkParams): SealedEntry {
  if (!isRecord(raw)) throw badFormat(path, `keys[${index}] is not an object`);
  const { label, address } = raw;
  if (typeof label !== 'string' || !LABEL.test(label)) {
    throw badFormat(path, `keys[${index}] has no valid label`);
  }
  if ('seed' in raw) throw badFormat(path, `key '${label}' has a seed in the clear in an encrypted wallet`);
  const publicKey = hexField(path, raw.publicKey, 32, `the public key of '${label}'`);
  const derived = encodeAddress(params.hrp, accountId(publicKey));
  if (address !== derived) {
    throw new WalletError(
      'wallet-address-mismatch',
      `${path}: key '${label}' lists the address ${String(address)}, but its public key gives ${derived}`,
    );
  }
  if (raw.public !== undefined && raw.public !== true)
    throw badFormat(path, `key '${label}': "public" is true or absent`);
  const entry = { label, address: derived, publicKey, public: raw.public === true };
  if (entry.public && derived !== faucetKey(params)?.address) {
    throw badFormat(path, `key '${label}' is marked public but is not the ${params.name} faucet key (§1.3)`);
  }
  return entry;
}

interface SealedFile {
  readonly network: NetworkName;
  readonly entries: readonly SealedEntry[];
  readonly sealed: Sealed;
}

/**
 * The GCM additional data: every field of the file but the ciphertext and the tag,
 * in a fixed order, so the tag covers labels, addresses, public keys, the public
 * marks, the network and the KDF parameters.
 */
function additionalData(
  network: NetworkName,
  entries: readonly SealedEntry[],
  sealed: Omit<Sealed, 'ciphertext' | 'tag'>,
): Uint8Array {
  const keys = entries.map((e) => [e.label, e.address, toHex(e.publicKey), e.public]);
  const { n, r, p, salt } = sealed.kdf;
  return new TextEncoder().encode(
    JSON.stringify([
      'altostream-wallet',
      2,
      network,
      keys,
      CIPHER,
      KDF,
      n,
      r,
      p,
      toHex(salt),
      toHex(sealed.nonce),
    ]),
  );
}

function parseSealedFile(path: string, raw: Record<string, unknown>, params: NetworkParams): SealedFile {
  if (!Array.isArray(raw.keys)) throw badFormat(path, 'expected a "keys" list');
  const entries = (raw.keys as unknown[]).map((entry, index) => parseSealedEntry(path, entry, index, params));
  for (const [i, e] of entries.entries()) {
    if (entries.findIndex((o) => o.label === e.label || o.address === e.address) !== i) {
      throw new WalletError('duplicate-key', `${path}: the key '${e.label}' (${e.address}) is listed twice`);
    }
  }
  const crypto = raw.crypto;
  if (!isRecord(crypto)) throw badFormat(path, 'expected a "crypto" object');
  if (crypto.cipher !== CIPHER || crypto.kdf !== KDF) {
    throw badFormat(
      path,
      `unsupported cipher ${JSON.stringify(crypto.cipher)} or kdf ${JSON.stringify(crypto.kdf)}`,
    );
  }
  const kdfparams = crypto.kdfparams;
  if (!isRecord(kdfparams)) throw badFormat(path, 'expected "crypto.kdfparams"');
  const cost = { n: Number(kdfparams.n), r: Number(kdfparams.r), p: Number(kdfparams.p) };
  checkScryptParams(cost, path);
  const secrets = entries.filter((e) => !e.public).length;
  const sealed: Sealed = {
    kdf: { ...cost, salt: hexField(path, kdfparams.salt, SALT_LENGTH, 'crypto.kdfparams.salt') },
    nonce: hexField(path, crypto.nonce, NONCE_LENGTH, 'crypto.nonce'),
    ciphertext: hexField(path, crypto.ciphertext, secrets * SEED_LENGTH, 'crypto.ciphertext'),
    tag: hexField(path, crypto.tag, TAG_LENGTH, 'crypto.tag'),
  };
  return { network: params.name, entries, sealed };
}

/** The JSON object of a wallet file, its version checked and its network `params`. */
async function readWalletJson(path: string, params: NetworkParams): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WalletError(
        'wallet-missing',
        `no wallet at ${path}: create one with \`altostream wallet new\``,
      );
    }
    throw new WalletError('wallet-unreadable', `cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WalletError(
      'wallet-bad-json',
      `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isRecord(raw)) throw badFormat(path, 'expected a JSON object');
  if (raw.version !== 1 && raw.version !== 2) {
    throw badFormat(path, `unsupported version ${JSON.stringify(raw.version)}`);
  }
  const { network } = raw;
  if (typeof network !== 'string' || !(network in NETWORKS)) {
    throw badFormat(path, `unknown network ${JSON.stringify(network)}`);
  }
  if (network !== params.name) {
    throw new WalletError(
      'wallet-wrong-network',
      `${path} holds ${network} keys, not ${params.name} keys: pass --network ${network} or another --datadir`,
    );
  }
  return raw;
}

function plainWallet(path: string, raw: Record<string, unknown>, params: NetworkParams): Wallet {
  if (!Array.isArray(raw.keys)) throw badFormat(path, 'expected a "keys" list');
  let wallet = emptyWallet(params);
  for (const [index, entry] of (raw.keys as unknown[]).entries()) {
    wallet = addKey(wallet, parsePlainKey(path, entry, index, params));
  }
  return wallet;
}

/**
 * Reads and checks a wallet file: its network must be `params`, every address must
 * match its key. Needs no passphrase: the keys of an encrypted wallet come back
 * locked (addresses and public keys only), except the public faucet key.
 */
export async function loadWallet(path: string, params: NetworkParams): Promise<Wallet> {
  const raw = await readWalletJson(path, params);
  if (raw.version === 1) return plainWallet(path, raw, params);
  const file = parseSealedFile(path, raw, params);
  const keys = file.entries.map((e) =>
    e.public ? faucetKey(params)! : lockedKey(e.label, e.address, e.publicKey, path),
  );
  return { version: 2, network: params.name, keys, kdf: file.sealed.kdf };
}

/**
 * The wallet with every seed: an encrypted one opened with `passphrase`
 * (`wallet-bad-passphrase` if it does not open it, or the file was edited);
 * a plaintext one as loadWallet reads it, whatever the passphrase.
 */
export async function unlockWallet(path: string, params: NetworkParams, passphrase: string): Promise<Wallet> {
  const raw = await readWalletJson(path, params);
  if (raw.version === 1) return plainWallet(path, raw, params);
  const file = parseSealedFile(path, raw, params);
  const seeds = await openSealed(
    file.sealed,
    additionalData(file.network, file.entries, file.sealed),
    passphrase,
    path,
  );
  let at = 0;
  const keys = file.entries.map((e) => {
    if (e.public) return faucetKey(params)!;
    const key = keyFromSeed(e.label, Uint8Array.from(seeds.subarray(at, at + SEED_LENGTH)), params);
    at += SEED_LENGTH;
    // The tag already vouches for both; a mismatch means a bug that wrote the file.
    if (!equalBytes(key.publicKey, e.publicKey)) {
      throw new WalletError(
        'wallet-address-mismatch',
        `${path}: the sealed seed of '${e.label}' does not give its public key`,
      );
    }
    return key;
  });
  seeds.fill(0);
  return { version: 2, network: params.name, keys, kdf: file.sealed.kdf };
}

/** How saveWallet encrypts: the passphrase, and the scrypt cost (default: the wallet's own, else DEFAULT_SCRYPT). */
export interface Encryption {
  readonly passphrase: string;
  readonly cost?: ScryptParams;
}

async function sealedJson(wallet: Wallet, params: NetworkParams, encryption: Encryption): Promise<unknown> {
  const entries: SealedEntry[] = wallet.keys.map((k) => ({
    label: k.label,
    address: k.address,
    publicKey: k.publicKey,
    public: isPublicKey(k, params),
  }));
  const secrets = wallet.keys.filter((k) => !isPublicKey(k, params));
  const plaintext = new Uint8Array(secrets.length * SEED_LENGTH);
  secrets.forEach((k, i) => {
    plaintext.set(k.seed, i * SEED_LENGTH); // throws wallet-locked on a locked key
  });
  const cost = encryption.cost ?? wallet.kdf ?? DEFAULT_SCRYPT;
  // The salt and nonce are drawn first, so the additional data can name them.
  const sealed = await seal(
    plaintext,
    (s) => additionalData(wallet.network, entries, s),
    encryption.passphrase,
    cost,
  );
  plaintext.fill(0);
  return {
    version: 2,
    network: wallet.network,
    keys: entries.map((e) => ({
      label: e.label,
      address: e.address,
      publicKey: toHex(e.publicKey),
      ...(e.public ? { public: true } : {}),
    })),
    crypto: {
      cipher: CIPHER,
      kdf: KDF,
      kdfparams: { n: sealed.kdf.n, r: sealed.kdf.r, p: sealed.kdf.p, salt: toHex(sealed.kdf.salt) },
      nonce: toHex(sealed.nonce),
      ciphertext: toHex(sealed.ciphertext),
      tag: toHex(sealed.tag),
    },
  };
}

function plainJson(wallet: Wallet): unknown {
  return {
    version: 1,
    network: wallet.network,
    keys: wallet.keys.map((k) => ({ label: k.label, seed: toHex(k.seed), address: k.address })),
  };
}

/**
 * Writes the wallet: encrypted (version 2) with `encryption`, else in the clear
 * (version 1, which an encrypted wallet never falls back to: `wallet-locked`).
 * Writes `<path>.tmp` (0600), fsyncs it, renames it over `path`, then fsyncs the
 * directory so the rename itself survives a crash. Creates the directory (0700)
 * if it is missing.
 */
export async function saveWallet(path: string, wallet: Wallet, encryption?: Encryption): Promise<void> {
  let json: unknown;
  if (encryption !== undefined) {
    json = await sealedJson(wallet, NETWORKS[wallet.network], encryption);
  } else if (wallet.version === 2) {
    throw new WalletError('wallet-locked', `${path} is encrypted: saving it needs its passphrase`);
  } else {
    json = plainJson(wallet);
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp`;
  try {
    const handle = await open(tmp, 'w', 0o600);
    try {
      // The mode of open() applies only to a new file, after the umask: a leftover .tmp keeps its own.
      await handle.chmod(0o600);
      await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * One key's seed, for the node's validator mode (§5.3): from a plaintext wallet
 * as it is, from an encrypted one with `passphrase` (`wallet-locked` without one,
 * `wallet-bad-passphrase` if wrong). Undefined when the wallet has no such key.
 */
export async function readSeed(
  datadir: string,
  network: NetworkName,
  label: string,
  passphrase?: string,
): Promise<Uint8Array | undefined> {
  const params = NETWORKS[network];
  const path = walletPath(datadir);
  const wallet =
    passphrase === undefined ? await loadWallet(path, params) : await unlockWallet(path, params, passphrase);
  return findKey(wallet, label)?.seed;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return; // Windows cannot open a directory; its rename is durable without this.
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The devnet wallet (PROTOCOL.md §1.2): loads `<datadir>/wallet.json`, or starts
 * an empty one, and adds what is missing of the network's faucet key and a
 * 'default' key (the one the devnet miner pays). Saves only when it changed.
 * The node cannot ask for a passphrase, so a wallet it creates is plaintext
 * (regtest coins, decision 240); an encrypted one is only read: the faucet key is
 * added in memory, and a missing 'default' key is `wallet-locked`.
 */
export async function ensureDevnetWallet(
  datadir: string,
  params: NetworkParams,
  random: RandomBytes = randomBytes,
): Promise<Wallet> {
  const path = walletPath(datadir);
  let wallet: Wallet;
  let changed = false;
  try {
    wallet = await loadWallet(path, params);
  } catch (error) {
    if (!(error instanceof WalletError && error.code === 'wallet-missing')) throw error;
    wallet = emptyWallet(params);
    changed = true;
  }
  const faucet = faucetKey(params);
  if (faucet !== undefined && findKey(wallet, faucet.address) === undefined) {
    if (wallet.keys.some((k) => k.label === FAUCET_LABEL)) {
      throw new WalletError(
        'reserved-label',
        `${path}: the key labelled '${FAUCET_LABEL}' is not the ${params.name} faucet key (PROTOCOL.md §1.3): give it another label in that file, then start the node again`,
      );
    }
    wallet = addKey(wallet, faucet);
    changed = true;
  }
  if (findKey(wallet, DEFAULT_LABEL) === undefined) {
    if (wallet.version === 2) {
      throw new WalletError(
        'wallet-locked',
        `${path} is encrypted and has no '${DEFAULT_LABEL}' key for the devnet payout: add one with \`altostream wallet new --label ${DEFAULT_LABEL}\`, or pass --payout`,
      );
    }
    wallet = addKey(wallet, createKey(DEFAULT_LABEL, params, random));
    changed = true;
  }
  if (changed && wallet.version === 1) await saveWallet(path, wallet);
  return wallet;
}
