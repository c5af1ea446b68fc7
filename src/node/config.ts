// Validation of values that come from a user (CLI flags, config files):
// each failure is an InvalidArgumentError whose message says what to pass instead.
import { accessSync, constants, existsSync, statSync, type Stats } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { MAX_AMOUNT, parseAlto } from '../protocol/amount.js';
import { NETWORKS, type NetworkName } from '../protocol/params.js';
import {
  DEFAULT_LABEL,
  FAUCET_LABEL,
  ensureDevnetWallet,
  findKey,
  loadWallet,
  readSeed,
  walletPath,
} from '../wallet/keystore.js';
import { readPassphraseFile } from '../wallet/passphrase.js';
import { InvalidArgumentError } from '../util/errors.js';
import { LOG_LEVELS } from '../util/logger.js';
import { parseAddressArg } from '../wallet/values.js';
import { DEFAULT_EVENT_HUB_OPTIONS } from '../api/event-hub.js';
import { DEFAULT_MAX_PEERS_PER_IP as SLOTS_MAX_PEERS_PER_IP, parseAllowEntry } from '../p2p/slots.js';

export const MAX_MINER_THREADS = 256;
/** How long a peer that sent an invalid message stays banned. */
export const DEFAULT_BAN_MS = 24 * 60 * 60 * 1000;
/** A block range not answered within this is asked of another peer (policy). */
export const STALL_MS = 3000;

/** Parses a decimal integer flag in [min, max]. */
export function parseIntegerFlag(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--${flag} takes a whole number from ${min} to ${max}, got '${raw}'`,
    );
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new InvalidArgumentError('bad-flag', `--${flag} must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Parses a positive number of seconds (fractions allowed). */
export function parseSecondsFlag(flag: string, raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0) || value > 365 * 86400) {
    throw new InvalidArgumentError('bad-flag', `--${flag} takes a positive number of seconds, got '${raw}'`);
  }
  return value;
}

export function defaultThreads(): number {
  return availableParallelism();
}

/** Where a node keeps its LMDB environment, node key, wallet and API token: ~/.altostream/<network>. */
export function defaultDataDir(network: NetworkName): string {
  return join(homedir(), '.altostream', network);
}

/** Parses --datadir: any path but the empty one (prepareDataDir checks the rest before writing). */
export function parseDataDirFlag(raw: string): string {
  if (raw === '') {
    throw new InvalidArgumentError(
      'bad-datadir',
      '--datadir is empty: pass a directory, or leave the flag out for the default',
    );
  }
  return raw;
}

/** Parses --network; devnet is regtest (PROTOCOL.md §1.2). */
export function parseNetworkFlag(raw: string): NetworkName {
  if (raw === 'mainnet' || raw === 'testnet' || raw === 'regtest') return raw;
  if (raw === 'devnet') return 'regtest';
  throw new InvalidArgumentError('bad-flag', `--network takes mainnet, testnet or regtest, got '${raw}'`);
}

/** The network's default API port (PROTOCOL.md §12). */
export function defaultApiPort(network: NetworkName): number {
  return NETWORKS[network].ports.api;
}

/** The network's default Stratum port (PROTOCOL.md §12, policy). */
export function defaultStratumPort(network: NetworkName): number {
  return NETWORKS[network].ports.stratum;
}

/**
 * The devnet payout (§1.2): the 'default' key of the wallet in the data dir,
 * which is created on first use holding that key and the regtest faucet key.
 */
export async function devnetPayout(datadir: string, network: NetworkName): Promise<string> {
  const wallet = await ensureDevnetWallet(datadir, NETWORKS[network]);
  const key = findKey(wallet, DEFAULT_LABEL);
  if (key === undefined) throw new Error(`the wallet in ${datadir} has no '${DEFAULT_LABEL}' key`);
  return key.address;
}

/**
 * The validator key (§5.3): the wallet key `label` in the data dir's wallet (created on the devnet
 * as for its payout); `passphrase` opens an encrypted wallet. Undefined when the wallet has no
 * such key; a WalletError 'wallet-locked' or 'wallet-bad-passphrase' when it cannot be opened.
 */
export async function validatorSeed(
  datadir: string,
  network: NetworkName,
  label: string,
  passphrase?: string,
): Promise<Uint8Array | undefined> {
  if (network === 'regtest') await ensureDevnetWallet(datadir, NETWORKS[network]);
  return readSeed(datadir, network, label, passphrase);
}

/**
 * The validator key's seed read without writing: undefined while there is no wallet file (the
 * devnet makes one, in the clear, on its first start). Errors as validatorSeed's.
 */
export async function readValidatorSeed(
  datadir: string,
  network: NetworkName,
  label: string,
  passphrase?: string,
): Promise<Uint8Array | undefined> {
  if (!existsSync(walletPath(datadir))) return undefined;
  return readSeed(datadir, network, label, passphrase);
}

/** The first line of --validator-passphrase-file (`flag` names the key by its source). */
export function readValidatorPassphrase(path: string, flag: string): Promise<string> {
  return readPassphraseFile(path, flag);
}

/**
 * Whether the wallet holds, or on the devnet will hold, the validator key `label`, found without
 * writing: an existing wallet is read; a missing devnet wallet is made with the 'default' and
 * 'faucet' keys only. The node refuses a missing key with this before it makes anything.
 */
export async function hasValidatorKey(
  datadir: string,
  network: NetworkName,
  label: string,
): Promise<boolean> {
  const path = walletPath(datadir);
  if (network === 'regtest' && !existsSync(path)) return label === DEFAULT_LABEL || label === FAUCET_LABEL;
  return findKey(await loadWallet(path, NETWORKS[network]), label) !== undefined;
}

/** Parses a --listen or --bootstrap multiaddr; a clear error names the flag. */
export function parseMultiaddrFlag(flag: string, raw: string): string {
  try {
    return multiaddr(raw).toString();
  } catch {
    throw new InvalidArgumentError(
      'bad-flag',
      `--${flag} takes a multiaddr such as /ip4/127.0.0.1/tcp/27370, got '${raw}'`,
    );
  }
}

/** Inbound peers one IP address may hold unless --max-peers-per-ip says otherwise. */
export const DEFAULT_MAX_PEERS_PER_IP = SLOTS_MAX_PEERS_PER_IP;

/** Parses an --allow-ip value: an IP address or a CIDR range, written back as given. */
export function parseAllowIpFlag(raw: string): string {
  if (parseAllowEntry(raw) === null) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--allow-ip takes an IP address or a CIDR range such as 192.168.1.0/24, got '${raw}'`,
    );
  }
  return raw;
}

/** The default P2P listen address: every interface on the network's port (§12). */
export function defaultListen(network: NetworkName): string {
  return `/ip4/0.0.0.0/tcp/${NETWORKS[network].ports.p2p}`;
}

/** Parses --payout: an address of `network`, lowercased. */
export function parsePayoutFlag(raw: string, network: NetworkName): string {
  return parseAddressArg('--payout', raw, NETWORKS[network]);
}

/**
 * Checks a listen host (--api-host, --stratum-host; `flag` names it in the
 * error) by listening on it (port 0) and closing again: only the operating
 * system knows which addresses are this machine's, and asking it before the
 * chain is opened turns a wrong host into one line, not a failed start.
 */
export async function checkListenHost(host: string, flag = 'api-host'): Promise<void> {
  if (host === '') {
    throw new InvalidArgumentError(
      'bad-flag',
      `--${flag} is empty: pass 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
    );
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: 0 }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
      throw new InvalidArgumentError(
        'bad-flag',
        `--${flag} ${host} is not an address of this machine: pass 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      throw new InvalidArgumentError(
        'bad-flag',
        `--${flag} ${host} does not resolve to an address: pass an IP address or a name of this machine`,
      );
    }
    throw error;
  }
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** GET /events streams a node serves at once unless told otherwise (--api-max-streams). */
export const DEFAULT_API_MAX_STREAMS = DEFAULT_EVENT_HUB_OPTIONS.maxStreams;

/** Stratum's limits and defaults, for the CLI's flags (cli/ reaches stratum/ only through node/). */
export { DEFAULT_STRATUM_OPTIONS, type StratumOptions } from '../stratum/server.js';

/** --regtest-bootstrap-stake: ALTO (`1.5`) or base units (`1base`), ≥ 1 base unit, regtest only (§1.2). */
export function parseBootstrapStakeFlag(raw: string | undefined, network: NetworkName): bigint | undefined {
  if (raw === undefined) return undefined;
  if (network !== 'regtest') {
    throw new InvalidArgumentError('bad-flag', '--regtest-bootstrap-stake is for --network regtest only');
  }
  const base = /^(0|[1-9][0-9]*)base$/.exec(raw);
  let units: bigint | undefined;
  if (base !== null) units = BigInt(base[1]!);
  else {
    try {
      units = parseAlto(raw);
    } catch {
      units = undefined;
    }
  }
  if (units === undefined || units < 1n || units > MAX_AMOUNT) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--regtest-bootstrap-stake takes ALTO (1.5) or base units (1base), at least 1 base unit and at most 2^128−1, got '${raw}'`,
    );
  }
  return units;
}

/** The API's requests per client IP address per minute unless --api-rate-limit says otherwise (0: no limit). */
export const DEFAULT_API_RATE_LIMIT = 1000;
/** The highest --api-rate-limit: past this a limit no longer protects anything. */
export const MAX_API_RATE_LIMIT = 1_000_000;
/** --metrics' host when only a port is given: Prometheus scrapes from this machine unless told otherwise. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/** Parses a boolean from the environment or a config file: 1, 0, true or false. */
export function parseBooleanValue(flag: string, raw: string): boolean {
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new InvalidArgumentError('bad-flag', `--${flag} takes 1, 0, true or false, got '${raw}'`);
}

/** A --bootstrap multiaddr, which must name its peer (/p2p/<id>): the handshake proves we reached it. */
export function parseBootstrapFlag(raw: string): string {
  const address = parseMultiaddrFlag('bootstrap', raw);
  // As p2p/network.ts's peerIdOfAddress reads it; not imported, so the wallet's commands load no libp2p.
  if (
    !multiaddr(address)
      .getComponents()
      .some((c) => c.name === 'p2p')
  ) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--bootstrap ${address} does not name the peer: append /p2p/<peer id>, as in the addresses the other node lists as "listen" in its "node started" line and its GET /status`,
    );
  }
  return address;
}

/** A log level spec: a base level, then module=level pairs (`info,chain=debug,p2p=warn`). */
export interface LogLevelSpec {
  readonly level: string;
  readonly modules: Readonly<Record<string, string>>;
}

/**
 * Parses --log-level: `LEVEL[,MODULE=LEVEL]…`, levels from LOG_LEVELS. The base
 * level may be left out (`chain=debug` is `info,chain=debug`); a module named
 * twice is an error, not a silent last-one-wins.
 */
export function parseLogLevelSpec(raw: string, flag = 'log-level'): LogLevelSpec {
  const fail = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(
      'bad-flag',
      `--${flag} takes a level (${LOG_LEVELS.join(', ')}), then module=level pairs, as in info,chain=debug,p2p=warn; ${why} in '${raw}'`,
    );
  let level: string | undefined;
  const modules: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const pair = /^([a-z][a-z0-9-]*)=(.*)$/.exec(part);
    const [name, value] = pair === null ? [undefined, part] : [pair[1]!, pair[2]!];
    if (!LOG_LEVELS.includes(value)) throw fail(`'${value}' is not a level`);
    if (name === undefined) {
      if (level !== undefined) throw fail('the base level is given twice');
      if (Object.keys(modules).length > 0) throw fail('the base level comes first');
      level = value;
    } else {
      if (Object.hasOwn(modules, name)) throw fail(`module '${name}' is given twice`);
      modules[name] = value;
    }
  }
  return { level: level ?? 'info', modules };
}

/**
 * Parses --metrics: `[HOST:]PORT`, an IPv6 host in brackets (`[::1]:9100`), or
 * `off`. The host is checked later with checkListenHost, as --api-host is.
 */
export function parseMetricsFlag(raw: string): { host: string; port: number } | null {
  if (raw === 'off') return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d+)$/.exec(raw);
  if (match === null) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--metrics takes [HOST:]PORT, as in 9100, 0.0.0.0:9100 or [::1]:9100, or off; got '${raw}'`,
    );
  }
  const host = match[1] ?? match[2] ?? DEFAULT_METRICS_HOST;
  return { host, port: parseIntegerFlag('metrics', match[3]!, 0, 65535) };
}

/** Parses an --api-cors value: `*` or an origin, scheme://host[:port], http or https, nothing after. */
export function parseCorsOrigin(raw: string): string {
  if (raw === '*') return raw;
  let origin: string | undefined;
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === raw) origin = raw;
  } catch {
    origin = undefined;
  }
  if (origin === undefined) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--api-cors takes an origin such as https://app.example or http://localhost:3000 (scheme, host and port only, lower case, no path or trailing slash) or *, got '${raw}'`,
    );
  }
  return origin;
}

/** Checks --api-cors as a whole: `*` allows every origin, so it stands alone. */
export function checkCorsList(origins: readonly string[]): readonly string[] {
  if (origins.includes('*') && origins.length > 1) {
    throw new InvalidArgumentError(
      'bad-flag',
      '--api-cors * allows every origin: give it alone, or list the origins without it',
    );
  }
  return origins;
}

/**
 * Checks --log-file without creating it: its directory must exist and be
 * writable, and the file, if present, must be a writable file. Returns the absolute path.
 */
export function checkLogFile(raw: string): string {
  const path = resolve(raw);
  const fail = (why: string): InvalidArgumentError =>
    new InvalidArgumentError('bad-flag', `--log-file ${raw}: ${why}`);
  if (raw === '') throw fail('is empty: pass a file path, or leave it out to log to standard output');
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch {
    stats = undefined;
  }
  if (stats !== undefined) {
    if (!stats.isFile()) throw fail('is not a file: pass a file path');
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw fail('cannot be written: pass a file you own');
    }
    return path;
  }
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw fail(`${dir} is not a directory: pass a path in an existing one`);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw fail(`${dir} is missing or not writable: make it first, or pass a path in a directory you own`);
  }
  return path;
}

/** Parses a value that is one of a few words (`--log-format pretty`, `--stratum-mode pool`). */
export function parseChoiceFlag<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  const list = `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
  throw new InvalidArgumentError('bad-flag', `--${flag} takes ${list}, got '${raw}'`);
}

/** Parses --pplns-factor: a positive number up to 1000 (multiples of the network difficulty). */
export function parsePplnsFactorFlag(raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0) || value > 1000) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--pplns-factor takes a positive number up to 1000, got '${raw}'`,
    );
  }
  return value;
}

/** Parses --block-interval and --microblock-interval: seconds, fractions allowed, 0 for none. */
export function parseIntervalMsFlag(flag: string, raw: string): number {
  return raw === '0' ? 0 : Math.round(parseSecondsFlag(flag, raw) * 1000);
}
