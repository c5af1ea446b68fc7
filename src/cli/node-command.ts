// `altostream node [options]`: runs a node until Ctrl-C or SIGTERM. With no
// flags it is the devnet of PROTOCOL.md §1.2: regtest, P2P off, one mining
// thread paced to a key block per 10 s, paying the local wallet's 'default'
// key, with the regtest faucet key in that wallet.
import { parseArgs } from 'node:util';
import { AltostreamNode, type NodeConfig, type P2pConfig } from '../node/node.js';
import { prepareDataDir } from '../node/datadir.js';
import {
  MAX_MINER_THREADS,
  checkListenHost,
  DEFAULT_API_MAX_STREAMS,
  DEFAULT_BAN_MS,
  DEFAULT_MAX_PEERS_PER_IP,
  STALL_MS,
  defaultApiPort,
  defaultStratumPort,
  validatorSeed,
  DEFAULT_STRATUM_OPTIONS,
  type StratumOptions,
  defaultListen,
  parseMultiaddrFlag,
  defaultDataDir,
  defaultThreads,
  devnetPayout,
  parseAllowIpFlag,
  parseBootstrapStakeFlag,
  parseIntegerFlag,
  parseNetworkFlag,
  parsePayoutFlag,
  parseSecondsFlag,
} from '../node/config.js';
import { InvalidArgumentError } from '../util/errors.js';
import { WalletError } from '../wallet/errors.js';
import { LOG_LEVELS, createLogger } from '../util/logger.js';
import { joinNegativeValues } from './args.js';
import type { CommandIo } from './io.js';

export const NODE_USAGE = `Usage: altostream node [options]

Runs a node. With no options: a local devnet (regtest) that mines one key block
every 10 s to the 'default' key of the wallet in its data directory, which also
holds the regtest faucet key. Stop it with Ctrl-C.

Options:
  --network NAME          mainnet, testnet or regtest (devnet = regtest; default regtest)
  --datadir DIR           data directory (default ~/.altostream/<network>)
  --mine, --no-mine       run the built-in CPU miner (default: on for regtest, off otherwise)
  --threads N             mining threads (default: 1 on regtest, else ${defaultThreads()})
  --payout ADDRESS        address the mined key blocks pay (default on regtest: the wallet's 'default' key)
  --block-interval S      at least S seconds between mined key blocks (default: 10 on regtest, else 0)
  --microblock-interval S at least S seconds between our microblocks (default 0.5)
  --listen ADDR           P2P multiaddr to listen on, repeatable, or 'off' (default: off on regtest,
                          else /ip4/0.0.0.0/tcp/<the network's P2P port>)
  --bootstrap ADDR        a peer to connect to (multiaddr with /p2p/<id>), repeatable; turns P2P on
  --max-peers N           most connections (default 50; inbound peers may take all but
                          min(8, N/4), kept for our own dials, and a newcomer evicts one)
  --max-peers-per-ip N    most inbound peers from one IP address, 0 for no limit (default ${DEFAULT_MAX_PEERS_PER_IP})
  --allow-ip ADDR         an IP address or CIDR range exempt from --max-peers-per-ip and never
                          evicted, repeatable (loopback is not exempt unless listed)
  --api-host HOST         HTTP API address (default 127.0.0.1)
  --api-port PORT         HTTP API port (default: the network's, 27371 on regtest; 0 picks a free one)
  --api-max-streams N     most GET /events streams open at once (default 100; more get 503)
  --stratum               serve Stratum v1 to external miners (cpuminer-opt) on the network's
                          Stratum port (23337 on regtest); see docs/mining.md
  --stratum-port PORT     serve Stratum on PORT (0 picks a free one); implies --stratum
  --stratum-host HOST     Stratum address (default 127.0.0.1; a warning when it listens elsewhere)
  --stratum-mode MODE     solo (blocks pay the worker's address, the default) or pool (they pay
                          --payout; shares are counted per address at GET /pool/shares)
  --stratum-max-connections N  most Stratum connections (default ${DEFAULT_STRATUM_OPTIONS.maxConnections})
  --stratum-max-per-ip N  most Stratum connections from one IP address (default ${DEFAULT_STRATUM_OPTIONS.maxConnectionsPerIp})
  --pplns-factor X        pool mode: the PPLNS window, in multiples of the network difficulty (default ${DEFAULT_STRATUM_OPTIONS.pplnsFactor})
  --regtest-bootstrap-stake AMOUNT  regtest only: BOOTSTRAP_MIN_VALIDATOR_STAKE, in ALTO (1.5) or
                          in base units with the suffix 'base' (1base); every node of the
                          network must use the same value, a peer with another is disconnected
                          (default 2^128−1 base units: every key block bootstrap-activated)
  --validator             validator mode: endorse, at once, every slot of a candidate key block the
                          draw gives our validator key (§5.3); one process per key on this machine
  --validator-key LABEL   the wallet key that validates (default 'default'); stake it first with
                          altostream wallet stake <amount> --role validator --from LABEL
  --log-level LEVEL       ${LOG_LEVELS.join(', ')} (default info)
  --log-format FORMAT     pretty or json (default: pretty on a terminal, json otherwise)
  -h, --help              show this help

The API token for the mining routes is in <datadir>/api-token.

Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 failed while starting (the API port
in use, another node on the data dir, the wallet file to fix); 2 bad usage: a flag
this machine cannot run with, found before anything is made; 3 another node on this
machine already validates with the same key.`;

const STATUS_INTERVAL_MS = 10_000;
type NetworkName = Parameters<typeof defaultListen>[0];

const OPTIONS = {
  network: { type: 'string' },
  datadir: { type: 'string' },
  mine: { type: 'boolean' },
  threads: { type: 'string' },
  payout: { type: 'string' },
  'block-interval': { type: 'string' },
  'microblock-interval': { type: 'string' },
  listen: { type: 'string', multiple: true },
  bootstrap: { type: 'string', multiple: true },
  'max-peers': { type: 'string' },
  'max-peers-per-ip': { type: 'string' },
  'allow-ip': { type: 'string', multiple: true },
  'api-host': { type: 'string' },
  'api-port': { type: 'string' },
  'api-max-streams': { type: 'string' },
  stratum: { type: 'boolean' },
  'stratum-port': { type: 'string' },
  'stratum-host': { type: 'string' },
  'stratum-mode': { type: 'string' },
  'stratum-max-connections': { type: 'string' },
  'stratum-max-per-ip': { type: 'string' },
  'pplns-factor': { type: 'string' },
  validator: { type: 'boolean' },
  'validator-key': { type: 'string' },
  'regtest-bootstrap-stake': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function nodeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: joinNegativeValues(args, OPTIONS),
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  if (values.help) {
    io.out(NODE_USAGE);
    return 0;
  }
  // Every flag is checked before anything is made on disk or the network.
  const network = parseNetworkFlag(values.network ?? 'regtest');
  const devnet = network === 'regtest';
  const datadir = values.datadir ?? defaultDataDir(network);
  const mine = values.mine ?? devnet;
  const format = values['log-format'] ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') {
    throw new InvalidArgumentError('bad-flag', `--log-format takes pretty or json, got '${format}'`);
  }
  const logger = createLogger({
    level: values['log-level'] ?? 'info',
    name: 'altostream',
    pretty: format === 'pretty',
  });
  let payout = values.payout === undefined ? undefined : parsePayoutFlag(values.payout, network);
  if (mine && payout === undefined && !devnet) {
    throw new InvalidArgumentError('bad-flag', '--mine needs --payout <address> off the devnet');
  }
  const stratum = stratumConfig(values, network);
  const poolPays = stratum?.mode === 'pool';
  if (poolPays && payout === undefined && !devnet) {
    throw new InvalidArgumentError(
      'bad-flag',
      '--stratum-mode pool pays the operator: it needs --payout <address>',
    );
  }
  const threads =
    values.threads === undefined
      ? devnet
        ? 1
        : defaultThreads()
      : parseIntegerFlag('threads', values.threads, 1, MAX_MINER_THREADS);
  const blockIntervalMs =
    values['block-interval'] === undefined
      ? devnet
        ? 10_000
        : 0
      : Math.round(parseSecondsOrZero('block-interval', values['block-interval']) * 1000);
  const microblockIntervalMs =
    values['microblock-interval'] === undefined
      ? 500
      : Math.round(parseSecondsOrZero('microblock-interval', values['microblock-interval']) * 1000);
  const apiHost = values['api-host'] ?? '127.0.0.1';
  const apiPort =
    values['api-port'] === undefined
      ? defaultApiPort(network)
      : parseIntegerFlag('api-port', values['api-port'], 0, 65535);
  const apiMaxStreams =
    values['api-max-streams'] === undefined
      ? DEFAULT_API_MAX_STREAMS
      : parseIntegerFlag('api-max-streams', values['api-max-streams'], 1, 10_000);
  const p2p = p2pConfig(values, network, devnet);
  const regtestBootstrapStake = parseBootstrapStakeFlag(values['regtest-bootstrap-stake'], network);
  await checkListenHost(apiHost);
  if (stratum !== null) await checkListenHost(stratum.host, 'stratum-host');
  prepareDataDir(datadir);

  if (values['validator-key'] !== undefined && values.validator !== true) {
    throw new InvalidArgumentError('bad-flag', '--validator-key needs --validator');
  }
  let validator: NodeConfig['validator'] = null;
  if (values.validator === true) {
    const label = values['validator-key'] ?? 'default';
    let seed: Uint8Array | undefined;
    try {
      seed = await validatorSeed(datadir, network, label);
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      io.err(`altostream node: ${error.message}`);
      return 1;
    }
    if (seed === undefined) {
      io.err(
        `altostream node: the wallet in ${datadir} has no key '${label}': create it with \`altostream wallet new --label ${label}\`, stake it with \`altostream wallet stake <amount> --role validator --from ${label}\`, or pass --validator-key`,
      );
      return 1;
    }
    validator = { seed };
  }
  if ((mine || poolPays) && payout === undefined) {
    try {
      payout = await devnetPayout(datadir, network);
    } catch (error) {
      // The wallet file is the operator's to fix: say which and how, without a stack trace.
      if (!(error instanceof WalletError)) throw error;
      io.err(`altostream node: ${error.message}`);
      return 1;
    }
  }
  const config: NodeConfig = {
    network,
    datadir,
    mine,
    threads,
    payout,
    blockIntervalMs,
    microblockIntervalMs,
    apiHost,
    apiPort,
    apiMaxStreams,
    statusIntervalMs: STATUS_INTERVAL_MS,
    mempool: {},
    p2p,
    stratum,
    validator,
    ...(regtestBootstrapStake === undefined ? {} : { regtestBootstrapStake }),
  };

  let node: AltostreamNode;
  try {
    node = await AltostreamNode.start(config, { logger });
  } catch (error) {
    if (error instanceof InvalidArgumentError && error.code === 'validator-locked') {
      // Exit 3: never two signers on one key, and not a usage error to retry as is.
      io.err(`altostream node: ${error.message}`);
      return 3;
    }
    const message = startFailure(error, config);
    if (message === undefined) throw error;
    io.err(`altostream node: ${message}`);
    return 1;
  }
  if (!io.signal.aborted) {
    await new Promise<void>((resolve) => {
      io.signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
    });
  }
  await node.stop();
  return 0;
}

function p2pConfig(
  values: {
    listen?: string[];
    bootstrap?: string[];
    'max-peers'?: string;
    'max-peers-per-ip'?: string;
    'allow-ip'?: string[];
  },
  network: NetworkName,
  devnet: boolean,
): P2pConfig | null {
  const bootstrap = (values.bootstrap ?? []).map((raw) => parseMultiaddrFlag('bootstrap', raw));
  const maxPeersPerIp =
    values['max-peers-per-ip'] === undefined
      ? DEFAULT_MAX_PEERS_PER_IP
      : parseIntegerFlag('max-peers-per-ip', values['max-peers-per-ip'], 0, 1000);
  const allowIps = (values['allow-ip'] ?? []).map(parseAllowIpFlag);
  const listenFlags = values.listen ?? [];
  const off = listenFlags.includes('off');
  const listen = off
    ? []
    : listenFlags.length > 0
      ? listenFlags.map((raw) => parseMultiaddrFlag('listen', raw))
      : devnet
        ? []
        : [defaultListen(network)];
  // The devnet has no P2P unless asked for (§1.2).
  if (listen.length === 0 && bootstrap.length === 0) return null;
  return {
    listen,
    bootstrap,
    maxPeers:
      values['max-peers'] === undefined ? 50 : parseIntegerFlag('max-peers', values['max-peers'], 1, 1000),
    maxPeersPerIp,
    allowIps,
    banMs: DEFAULT_BAN_MS,
    stallMs: STALL_MS,
  };
}

function stratumConfig(
  values: {
    stratum?: boolean;
    'stratum-port'?: string;
    'stratum-host'?: string;
    'stratum-mode'?: string;
    'stratum-max-connections'?: string;
    'stratum-max-per-ip'?: string;
    'pplns-factor'?: string;
  },
  network: NetworkName,
): StratumOptions | null {
  const on = values.stratum ?? values['stratum-port'] !== undefined;
  if (!on) {
    const stray = (
      [
        'stratum-host',
        'stratum-mode',
        'stratum-max-connections',
        'stratum-max-per-ip',
        'pplns-factor',
      ] as const
    ).find((flag) => values[flag] !== undefined);
    if (stray !== undefined)
      throw new InvalidArgumentError('bad-flag', `--${stray} needs --stratum or --stratum-port`);
    return null;
  }
  const mode = values['stratum-mode'] ?? 'solo';
  if (mode !== 'solo' && mode !== 'pool') {
    throw new InvalidArgumentError('bad-flag', `--stratum-mode takes solo or pool, got '${mode}'`);
  }
  const rawFactor = values['pplns-factor'];
  if (rawFactor !== undefined && mode !== 'pool') {
    throw new InvalidArgumentError('bad-flag', '--pplns-factor is for --stratum-mode pool');
  }
  const pplnsFactor = rawFactor === undefined ? DEFAULT_STRATUM_OPTIONS.pplnsFactor : Number(rawFactor);
  if (!/^\d+(\.\d+)?$/.test(rawFactor ?? '1') || !(pplnsFactor > 0) || pplnsFactor > 1000) {
    throw new InvalidArgumentError(
      'bad-flag',
      `--pplns-factor takes a positive number up to 1000, got '${rawFactor}'`,
    );
  }
  return {
    ...DEFAULT_STRATUM_OPTIONS,
    host: values['stratum-host'] ?? '127.0.0.1',
    port:
      values['stratum-port'] === undefined
        ? defaultStratumPort(network)
        : parseIntegerFlag('stratum-port', values['stratum-port'], 0, 65535),
    mode,
    maxConnections:
      values['stratum-max-connections'] === undefined
        ? DEFAULT_STRATUM_OPTIONS.maxConnections
        : parseIntegerFlag('stratum-max-connections', values['stratum-max-connections'], 1, 100_000),
    maxConnectionsPerIp:
      values['stratum-max-per-ip'] === undefined
        ? DEFAULT_STRATUM_OPTIONS.maxConnectionsPerIp
        : parseIntegerFlag('stratum-max-per-ip', values['stratum-max-per-ip'], 1, 100_000),
    pplnsFactor,
  };
}

function parseSecondsOrZero(flag: string, raw: string): number {
  return raw === '0' ? 0 : parseSecondsFlag(flag, raw);
}

/** A message for failures the operator can fix; undefined for our bugs. */
function startFailure(error: unknown, config: NodeConfig): string | undefined {
  if (error instanceof InvalidArgumentError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    const port = (error as { port?: number }).port;
    if (config.stratum !== null && config.stratum !== undefined && port === config.stratum.port) {
      return `the Stratum port ${config.stratum.host}:${port} is in use: is another node running? Pass --stratum-port`;
    }
    return `the API port ${config.apiHost}:${config.apiPort} is in use: is another node running? Pass --api-port`;
  }
  if (code === 'EACCES' || code === 'EROFS') {
    return `cannot write to ${config.datadir}: pass a --datadir you own`;
  }
  return undefined;
}
