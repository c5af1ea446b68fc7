// The wallet file, <datadir>/wallet.json: the network it belongs to and a list
// of labelled ed25519 seeds (hex) with their addresses (PROTOCOL.md §2.3, §2.4).
//   { "version": 1, "network": "regtest",
//     "keys": [ { "label": "default", "seed": "<64 hex>", "address": "ralto1…" } ] }
// Seeds are secrets: the file is 0600 in a 0700 directory, and replaced
// atomically so a crash leaves either the old wallet or the new one.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getPublicKey, SEED_LENGTH } from '../crypto/ed25519.js';
import { sha256 } from '../crypto/hash.js';
import { accountId, encodeAddress } from '../protocol/address.js';
import { FAUCET_SEED_TEXT, NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { InvalidArgumentError } from '../util/errors.js';
import { WalletError } from './errors.js';
import { fromHex, toHex } from '../util/bytes.js';

export const WALLET_FILE = 'wallet.json';
export const DEFAULT_LABEL = 'default';
export const FAUCET_LABEL = 'faucet';

/** At most 32 characters, so no label can be mistaken for an address (39 or more). */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SEED_HEX = /^[0-9a-f]{64}$/;

export interface WalletKey {
  readonly label: string;
  /** The 32-byte ed25519 secret seed (RFC 8032 §5.1.5). */
  readonly seed: Uint8Array;
  readonly address: string;
}

export interface Wallet {
  readonly version: 1;
  readonly network: NetworkName;
  readonly keys: readonly WalletKey[];
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
  return { label, seed, address: addressOfSeed(seed, params) };
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

function parseKey(path: string, raw: unknown, index: number, params: NetworkParams): WalletKey {
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

/** Reads and checks a wallet file: its network must be `params`, every address must match its seed. */
export async function loadWallet(path: string, params: NetworkParams): Promise<Wallet> {
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
  if (raw.version !== 1) throw badFormat(path, `unsupported version ${JSON.stringify(raw.version)}`);
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
  if (!Array.isArray(raw.keys)) throw badFormat(path, 'expected a "keys" list');
  let wallet = emptyWallet(params);
  for (const [index, entry] of (raw.keys as unknown[]).entries()) {
    wallet = addKey(wallet, parseKey(path, entry, index, params));
  }
  return wallet;
}

/**
 * Writes `<path>.tmp` (0600), fsyncs it, renames it over `path`, then fsyncs the
 * directory so the rename itself survives a crash. Creates the directory (0700)
 * if it is missing.
 */
export async function saveWallet(path: string, wallet: Wallet): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const json = {
    version: wallet.version,
    network: wallet.network,
    keys: wallet.keys.map((k) => ({
      label: k.label,
      seed: toHex(k.seed),
      address: k.address,
    })),
  };
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
    wallet = addKey(wallet, createKey(DEFAULT_LABEL, params, random));
    changed = true;
  }
  if (changed) await saveWallet(path, wallet);
  return wallet;
}
