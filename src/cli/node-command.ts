// `altostream node [options]`: runs a node until Ctrl-C or SIGTERM. With no
// flags it is the devnet of PROTOCOL.md §1.2: regtest, P2P off, one mining
// thread paced to a key block per 10 s, paying the local wallet's 'default'
// key, with the regtest faucet key in that wallet.
//
// Every setting is read from node/settings.ts's table through its layers
// (flags > ALTO_* > altostream.conf > defaults) and checked before anything is
// written: the data dir, the wallet and the node come after the last check.
import { parseArgs } from 'node:util';
import { AltostreamNode, type NodeConfig, type P2pConfig } from '../node/node.js';
import { prepareDataDir } from '../node/datadir.js';
import {
  DEFAULT_BAN_MS,
  DEFAULT_STRATUM_OPTIONS,
  STALL_MS,
  checkListenHost,
  defaultStratumPort,
  devnetPayout,
  hasValidatorKey,
  readValidatorPassphrase,
  readValidatorSeed,
  validatorSeed,
  type StratumOptions,
} from '../node/config.js';
import { SETTINGS, SETTING_KEYS, settingsUsage } from '../node/settings.js';
import { CONFIG_FILE, resolveSettings, type ResolvedSettings } from '../node/settings-layers.js';
import { InvalidArgumentError } from '../util/errors.js';
import { WalletError } from '../wallet/errors.js';
import { createLogger } from '../util/logger.js';
import { joinNegativeValues } from './args.js';
import { EXIT, LOCKED_CODES } from './exit-codes.js';
import type { CommandIo } from './io.js';

export const NODE_USAGE = `Usage: altostream node [options]

Runs a node. With no options: a local devnet (regtest) that mines one key block
every 10 s to the 'default' key of the wallet in its data directory, which also
holds the regtest faucet key. Stop it with Ctrl-C.

Options:
${settingsUsage()}

Every option is also an environment variable, ALTO_ and the name in capitals with
_ for - (ALTO_API_PORT=1234; a repeatable one comma-separated), and a line of the
config file <datadir>/${CONFIG_FILE} (api-port = 1234; a repeatable one on several
lines; booleans 1 or 0), except config (flag and ALTO_CONFIG only), print-config
and help. A flag beats the environment, which beats the file, which beats the
default; network and datadir come from flags, ALTO_* or a --config file only.

The API token for the write and admin routes is in <datadir>/api-token.

Exit codes: 0 stopped by Ctrl-C or SIGTERM, or --print-config/--help printed; 1 failed
while starting (the API port in use, the wallet file to fix), or a stop forced by a
second signal or not done within 8 s; 2 bad usage or config:
a value this machine cannot run with, named with where it came from (flag, ALTO_*
variable, file and line), found before anything is made; 3 the data dir is locked by
another node, or another node on this machine already validates with the same key.`;

const STATUS_INTERVAL_MS = 10_000;

/** parseArgs' options, from the settings table. */
const OPTIONS: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> =
  Object.fromEntries(
    SETTING_KEYS.map((key) => {
      const setting: { kind: string; short?: string } = SETTINGS[key];
      return [
        key,
        {
          type: setting.kind === 'boolean' ? 'boolean' : 'string',
          ...(setting.kind === 'list' ? { multiple: true } : {}),
          ...(setting.short === undefined ? {} : { short: setting.short }),
        },
      ];
    }),
  );

export async function nodeCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values: flags } = parseArgs({
    args: joinNegativeValues(args, OPTIONS),
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
  });
  if (flags.help === true) {
    io.out(NODE_USAGE);
    return EXIT.ok;
  }
  // Every value is checked before anything is made on disk or the network.
  const settings = resolveSettings({
    flags,
    env: process.env,
    warn: (message) => {
      io.err(`altostream node: warning: ${message}`);
    },
  });
  const values = settings.values;
  const { network, datadir, mine } = values;
  const devnet = network === 'regtest';
  if (mine && values.payout === undefined && !devnet) {
    throw new InvalidArgumentError(
      'bad-flag',
      `${settings.label('mine')} needs --payout <address> off the devnet`,
    );
  }
  const stratum = stratumConfig(settings);
  const poolPays = stratum?.mode === 'pool';
  if (poolPays && values.payout === undefined && !devnet) {
    throw new InvalidArgumentError(
      'bad-flag',
      `${settings.label('stratum-mode')} pool pays the operator: it needs --payout <address>`,
    );
  }
  for (const key of ['validator-key', 'validator-passphrase-file'] as const) {
    if (settings.isSet(key) && !values.validator) {
      throw new InvalidArgumentError('bad-flag', `${settings.label(key)} needs --validator`);
    }
  }
  const p2p = p2pConfig(settings);
  await settings.check('api-host', () => checkListenHost(values['api-host']));
  if (stratum !== null)
    await settings.check('stratum-host', () => checkListenHost(stratum.host, 'stratum-host'));
  const metrics = values.metrics;
  if (metrics !== null) await settings.check('metrics', () => checkListenHost(metrics.host, 'metrics'));
  const logging = {
    level: values['log-level'].level,
    modules: values['log-level'].modules,
    file: values['log-file'],
    pretty: values['log-format'] === 'pretty',
  };
  if (values['print-config']) {
    for (const line of settings.print()) io.out(line);
    return EXIT.ok;
  }
  const label = values['validator-key'];
  let validatorKeySeed: Uint8Array | undefined;
  if (values.validator) {
    // Read only: a missing key is refused before the data dir or a devnet wallet is made.
    let present: boolean;
    try {
      present = await hasValidatorKey(datadir, network, label);
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      io.err(`altostream node: ${error.message}`);
      return EXIT.failure;
    }
    if (!present) {
      io.err(
        `altostream node: the wallet in ${datadir} has no key '${label}': create it with \`altostream wallet new --label ${label}\`, stake it with \`altostream wallet stake <amount> --role validator --from ${label}\`, or pass --validator-key`,
      );
      return EXIT.failure;
    }
    const passphraseFile = values['validator-passphrase-file'];
    const passphrase =
      passphraseFile === undefined
        ? undefined
        : await readValidatorPassphrase(passphraseFile, settings.label('validator-passphrase-file'));
    try {
      validatorKeySeed = await readValidatorSeed(datadir, network, label, passphrase);
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      if (error.code === 'wallet-locked') {
        io.err(
          `altostream node: the validator key '${label}' is encrypted: pass --validator-passphrase-file FILE, whose first line is the wallet's passphrase`,
        );
        return EXIT.locked;
      }
      if (error.code === 'wallet-bad-passphrase') {
        io.err(
          `altostream node: ${settings.label('validator-passphrase-file')} does not open the wallet in ${datadir} (a wrong passphrase, or the file was altered)`,
        );
        return EXIT.locked;
      }
      io.err(`altostream node: ${error.message}`);
      return EXIT.failure;
    }
  }
  const logger = createLogger({
    level: logging.level,
    modules: logging.modules,
    ...(logging.file === undefined ? {} : { file: logging.file }),
    name: 'altostream',
    pretty: logging.pretty,
  });
  // The first write: every check is above.
  prepareDataDir(datadir);

  let validator: NodeConfig['validator'] = null;
  let payout = values.payout;
  if (values.validator) {
    let seed: Uint8Array | undefined;
    try {
      seed = validatorKeySeed ?? (await validatorSeed(datadir, network, label));
    } catch (error) {
      if (!(error instanceof WalletError)) throw error;
      io.err(`altostream node: ${error.message}`);
      return EXIT.failure;
    }
    if (seed === undefined) throw new Error(`the validator key '${label}' went missing from ${datadir}`);
    validator = { seed };
  }
  if ((mine || poolPays) && payout === undefined) {
    try {
      payout = await devnetPayout(datadir, network);
    } catch (error) {
      // The wallet file is the operator's to fix: say which and how, without a stack trace.
      if (!(error instanceof WalletError)) throw error;
      io.err(`altostream node: ${error.message}`);
      return EXIT.failure;
    }
  }
  const regtestBootstrapStake = values['regtest-bootstrap-stake'];
  const config: NodeConfig = {
    network,
    datadir,
    mine,
    threads: values.threads,
    payout,
    blockIntervalMs: values['block-interval'],
    microblockIntervalMs: values['microblock-interval'],
    apiHost: values['api-host'],
    apiPort: values['api-port'],
    apiMaxStreams: values['api-max-streams'],
    apiRateLimit: values['api-rate-limit'],
    apiRateLimitLoopback: values['api-rate-limit-loopback'],
    apiCors: values['api-cors'],
    metrics,
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
    if (error instanceof InvalidArgumentError && LOCKED_CODES.has(error.code)) {
      // Another node holds the data dir or signs with the key: not a usage error to retry as is.
      io.err(`altostream node: ${error.message}`);
      return EXIT.locked;
    }
    const message = startFailure(error, config);
    if (message === undefined) throw error;
    io.err(`altostream node: ${message}`);
    return EXIT.failure;
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
  return EXIT.ok;
}

function p2pConfig(settings: ResolvedSettings): P2pConfig | null {
  const values = settings.values;
  const { listen, bootstrap } = values;
  // The devnet has no P2P unless asked for (§1.2).
  if (listen.length === 0 && bootstrap.length === 0) return null;
  return {
    listen,
    bootstrap,
    maxPeers: values['max-peers'],
    maxPeersPerIp: values['max-peers-per-ip'],
    allowIps: values['allow-ip'],
    banMs: DEFAULT_BAN_MS,
    stallMs: STALL_MS,
  };
}

const STRATUM_ONLY = [
  'stratum-host',
  'stratum-mode',
  'stratum-max-connections',
  'stratum-max-per-ip',
  'pplns-factor',
] as const;

function stratumConfig(settings: ResolvedSettings): StratumOptions | null {
  const values = settings.values;
  const on = settings.isSet('stratum') ? values.stratum : values['stratum-port'] !== undefined;
  if (!on) {
    const stray = STRATUM_ONLY.find((key) => settings.isSet(key));
    if (stray !== undefined) {
      throw new InvalidArgumentError(
        'bad-flag',
        `${settings.label(stray)} needs --stratum or --stratum-port`,
      );
    }
    return null;
  }
  const mode = values['stratum-mode'];
  if (settings.isSet('pplns-factor') && mode !== 'pool') {
    throw new InvalidArgumentError(
      'bad-flag',
      `${settings.label('pplns-factor')} is for --stratum-mode pool`,
    );
  }
  return {
    ...DEFAULT_STRATUM_OPTIONS,
    host: values['stratum-host'],
    port: values['stratum-port'] ?? defaultStratumPort(values.network),
    mode,
    maxConnections: values['stratum-max-connections'],
    maxConnectionsPerIp: values['stratum-max-per-ip'],
    pplnsFactor: values['pplns-factor'],
  };
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
