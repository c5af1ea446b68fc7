// Validation of values that come from a user (CLI flags, config files):
// each failure is an InvalidArgumentError whose message says what to pass instead.
import { createServer } from 'node:net';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { multiaddr } from '@multiformats/multiaddr';
import { MAX_AMOUNT, parseAlto } from '../protocol/amount.js';
import { NETWORKS, type NetworkName } from '../protocol/params.js';
import { DEFAULT_LABEL, ensureDevnetWallet, findKey, loadWallet, walletPath } from '../wallet/keystore.js';
import { InvalidArgumentError } from '../util/errors.js';
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
 * as for its payout). Undefined when the wallet has no such key.
 */
export async function validatorSeed(
  datadir: string,
  network: NetworkName,
  label: string,
): Promise<Uint8Array | undefined> {
  const params = NETWORKS[network];
  const wallet =
    network === 'regtest'
      ? await ensureDevnetWallet(datadir, params)
      : await loadWallet(walletPath(datadir), params);
  return findKey(wallet, label)?.seed;
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
