// The one table of `altostream node`'s settings: each key once, with its kind,
// default, parser and help text. The command-line flags (`--api-port`), the
// environment (`ALTO_API_PORT`), the config file (`api-port = 1234`), the
// usage text and --print-config all come from it (settings-layers.ts reads
// the sources); node-command.ts only combines the parsed values.
import type { NetworkName } from '../protocol/params.js';
import { LOG_LEVELS } from '../util/logger.js';
import {
  DEFAULT_API_MAX_STREAMS,
  DEFAULT_API_RATE_LIMIT,
  DEFAULT_MAX_PEERS_PER_IP,
  DEFAULT_STRATUM_OPTIONS,
  MAX_API_RATE_LIMIT,
  MAX_MINER_THREADS,
  checkCorsList,
  checkLogFile,
  defaultApiPort,
  defaultDataDir,
  defaultListen,
  defaultThreads,
  parseAllowIpFlag,
  parseBootstrapFlag,
  parseBootstrapStakeFlag,
  parseChoiceFlag,
  parseCorsOrigin,
  parseDataDirFlag,
  parseIntegerFlag,
  parseIntervalMsFlag,
  parseLogLevelSpec,
  parseMetricsFlag,
  parseMultiaddrFlag,
  parseNetworkFlag,
  parsePayoutFlag,
  parsePplnsFactorFlag,
} from './config.js';

/** What a setting's default and parser may depend on: the network, resolved first. */
export interface SettingContext {
  readonly network: NetworkName;
}

/** A value before parsing: a string, a boolean (`--mine`, `mine = 1`) or a list (repeatable keys). */
export type RawValue = string | boolean | readonly string[];

/**
 * Where a setting may come from. 'all': flag, ALTO_* and the config file;
 * 'flag-env': not the file (`config`); 'flag': the command line only.
 */
export type SettingSources = 'all' | 'flag-env' | 'flag';

export interface Setting<T> {
  readonly kind: 'string' | 'boolean' | 'list';
  /** The value's name in the usage text (`PORT`). */
  readonly arg?: string;
  /** Usage text; `\n` starts an indented line. */
  readonly help: string;
  readonly sources: SettingSources;
  readonly short?: string;
  /** The default as a raw value; undefined: unset, and `unset` says what that means. */
  readonly default?: (ctx: SettingContext) => RawValue;
  readonly unset?: string;
  /** A list's items are parsed one by one, so an error names the item's own source. */
  readonly parse: (raw: RawValue, ctx: SettingContext) => T;
  readonly item?: (raw: string, ctx: SettingContext) => unknown;
}

interface Base {
  readonly arg?: string;
  readonly help: string;
  readonly sources?: SettingSources;
  readonly short?: string;
}

function str<T>(
  s: Base & { default: (ctx: SettingContext) => string; parse: (raw: string, ctx: SettingContext) => T },
): Setting<T> & { readonly default: (ctx: SettingContext) => string } {
  return {
    ...s,
    kind: 'string',
    sources: s.sources ?? 'all',
    parse: (raw, ctx) => s.parse(raw as string, ctx),
  };
}

function optional<T>(
  s: Base & { unset: string; parse: (raw: string, ctx: SettingContext) => T },
): Setting<T | undefined> {
  return {
    ...s,
    kind: 'string',
    sources: s.sources ?? 'all',
    parse: (raw, ctx) => s.parse(raw as string, ctx),
  };
}

function bool(s: Base & { default: (ctx: SettingContext) => boolean }): Setting<boolean> {
  return { ...s, kind: 'boolean', sources: s.sources ?? 'all', parse: (raw) => raw as boolean };
}

function list<I, T = readonly I[]>(
  s: Base & {
    default: (ctx: SettingContext) => readonly string[];
    item: (raw: string, ctx: SettingContext) => I;
    whole?: (items: readonly I[]) => T;
  },
): Setting<T> {
  return {
    ...s,
    kind: 'list',
    sources: s.sources ?? 'all',
    parse: (raw, ctx) => {
      const items = (raw as readonly string[]).map((one) => s.item(one, ctx));
      return s.whole === undefined ? (items as T) : s.whole(items);
    },
  };
}

const whole = (min: number, max: number) => (key: string) => (raw: string) =>
  parseIntegerFlag(key, raw, min, max);
const port = whole(0, 65535);

export const SETTINGS = {
  network: str({
    arg: 'NAME',
    help: 'mainnet, testnet or regtest (devnet = regtest; default regtest)',
    default: () => 'regtest',
    parse: parseNetworkFlag,
  }),
  datadir: str({
    arg: 'DIR',
    help: 'data directory (default ~/.altostream/<network>); holds altostream.conf',
    default: ({ network }) => defaultDataDir(network),
    parse: parseDataDirFlag,
  }),
  config: optional({
    arg: 'FILE',
    help: 'the config file (default <datadir>/altostream.conf, read when present)',
    sources: 'flag-env',
    unset: '<datadir>/altostream.conf when present',
    parse: (raw) => raw,
  }),
  'print-config': bool({
    help: 'print each setting in force and where it came from, as a config file; exit',
    sources: 'flag',
    default: () => false,
  }),
  mine: bool({
    help: 'run the built-in CPU miner (default: on for regtest, off otherwise)',
    default: ({ network }) => network === 'regtest',
  }),
  threads: str({
    arg: 'N',
    help: `mining threads (default: 1 on regtest, else ${defaultThreads()})`,
    default: ({ network }) => (network === 'regtest' ? '1' : String(defaultThreads())),
    parse: (raw) => parseIntegerFlag('threads', raw, 1, MAX_MINER_THREADS),
  }),
  payout: optional({
    arg: 'ADDRESS',
    help: "address the mined key blocks pay (default on regtest: the wallet's 'default' key)",
    unset: "regtest: the wallet's 'default' key; elsewhere mining needs it",
    parse: (raw, { network }) => parsePayoutFlag(raw, network),
  }),
  'block-interval': str({
    arg: 'S',
    help: 'at least S seconds between mined key blocks (default: 10 on regtest, else 0)',
    default: ({ network }) => (network === 'regtest' ? '10' : '0'),
    parse: (raw) => parseIntervalMsFlag('block-interval', raw),
  }),
  'microblock-interval': str({
    arg: 'S',
    help: 'at least S seconds between our microblocks (default 0.5)',
    default: () => '0.5',
    parse: (raw) => parseIntervalMsFlag('microblock-interval', raw),
  }),
  listen: list({
    arg: 'ADDR',
    help: "P2P multiaddr to listen on, repeatable, or 'off' (default: off on regtest,\nelse /ip4/0.0.0.0/tcp/<the network's P2P port>)",
    default: ({ network }) => (network === 'regtest' ? ['off'] : [defaultListen(network)]),
    item: (raw) => (raw === 'off' ? raw : parseMultiaddrFlag('listen', raw)),
    whole: (items) => (items.includes('off') ? [] : items),
  }),
  bootstrap: list({
    arg: 'ADDR',
    help: 'a peer to connect to (multiaddr with /p2p/<id>), repeatable; turns P2P on',
    default: () => [],
    item: parseBootstrapFlag,
  }),
  'max-peers': str({
    arg: 'N',
    help: 'most connections (default 50; inbound peers may take all but\nmin(8, N/4), kept for our own dials, and a newcomer evicts one)',
    default: () => '50',
    parse: whole(1, 1000)('max-peers'),
  }),
  'max-peers-per-ip': str({
    arg: 'N',
    help: `most inbound peers from one IP address, 0 for no limit (default ${DEFAULT_MAX_PEERS_PER_IP})`,
    default: () => String(DEFAULT_MAX_PEERS_PER_IP),
    parse: whole(0, 1000)('max-peers-per-ip'),
  }),
  'allow-ip': list({
    arg: 'ADDR',
    help: 'an IP address or CIDR range exempt from --max-peers-per-ip and never\nevicted, repeatable (loopback is not exempt unless listed)',
    default: () => [],
    item: parseAllowIpFlag,
  }),
  'api-host': str({
    arg: 'HOST',
    help: 'HTTP API address (default 127.0.0.1)',
    default: () => '127.0.0.1',
    parse: (raw) => raw,
  }),
  'api-port': str({
    arg: 'PORT',
    help: "HTTP API port (default: the network's, 27371 on regtest; 0 picks a free one)",
    default: ({ network }) => String(defaultApiPort(network)),
    parse: port('api-port'),
  }),
  'api-max-streams': str({
    arg: 'N',
    help: `most GET /events streams open at once (default ${DEFAULT_API_MAX_STREAMS}; more get 503)`,
    default: () => String(DEFAULT_API_MAX_STREAMS),
    parse: whole(1, 10_000)('api-max-streams'),
  }),
  'api-rate-limit': str({
    arg: 'N',
    help: `API requests per client IP address per minute before 429 (default ${DEFAULT_API_RATE_LIMIT};\n0: no limit)`,
    default: () => String(DEFAULT_API_RATE_LIMIT),
    parse: whole(0, MAX_API_RATE_LIMIT)('api-rate-limit'),
  }),
  'api-rate-limit-loopback': bool({
    help: 'count loopback clients (127.0.0.1, ::1) against --api-rate-limit too (default: exempt)',
    default: () => false,
  }),
  'api-cors': list({
    arg: 'ORIGIN',
    help: 'a web origin allowed to call the API from a browser (https://app.example),\nrepeatable, or * for any (default: none, CORS off)',
    default: () => [],
    item: parseCorsOrigin,
    whole: checkCorsList,
  }),
  metrics: str({
    arg: '[HOST:]PORT',
    help: 'serve Prometheus metrics at GET /metrics on their own port (default off;\nhost 127.0.0.1 when left out; IPv6 as [::1]:9100)',
    default: () => 'off',
    parse: parseMetricsFlag,
  }),
  stratum: bool({
    help: "serve Stratum v1 to external miners (cpuminer-opt) on the network's\nStratum port (23337 on regtest); see docs/mining.md",
    default: () => false,
  }),
  'stratum-port': optional({
    arg: 'PORT',
    help: 'serve Stratum on PORT (0 picks a free one); implies --stratum',
    unset: "the network's Stratum port when --stratum is on",
    parse: port('stratum-port'),
  }),
  'stratum-host': str({
    arg: 'HOST',
    help: 'Stratum address (default 127.0.0.1; a warning when it listens elsewhere)',
    default: () => '127.0.0.1',
    parse: (raw) => raw,
  }),
  'stratum-mode': str({
    arg: 'MODE',
    help: "solo (blocks pay the worker's address, the default) or pool (they pay\n--payout; shares are counted per address at GET /pool/shares)",
    default: () => 'solo',
    parse: (raw) => parseChoiceFlag('stratum-mode', raw, ['solo', 'pool'] as const),
  }),
  'stratum-max-connections': str({
    arg: 'N',
    help: `most Stratum connections (default ${DEFAULT_STRATUM_OPTIONS.maxConnections})`,
    default: () => String(DEFAULT_STRATUM_OPTIONS.maxConnections),
    parse: whole(1, 100_000)('stratum-max-connections'),
  }),
  'stratum-max-per-ip': str({
    arg: 'N',
    help: `most Stratum connections from one IP address (default ${DEFAULT_STRATUM_OPTIONS.maxConnectionsPerIp})`,
    default: () => String(DEFAULT_STRATUM_OPTIONS.maxConnectionsPerIp),
    parse: whole(1, 100_000)('stratum-max-per-ip'),
  }),
  'pplns-factor': str({
    arg: 'X',
    help: `pool mode: the PPLNS window, in multiples of the network difficulty (default ${DEFAULT_STRATUM_OPTIONS.pplnsFactor})`,
    default: () => String(DEFAULT_STRATUM_OPTIONS.pplnsFactor),
    parse: parsePplnsFactorFlag,
  }),
  'regtest-bootstrap-stake': optional({
    arg: 'AMOUNT',
    help: "regtest only: BOOTSTRAP_MIN_VALIDATOR_STAKE, in ALTO (1.5) or\nin base units with the suffix 'base' (1base); every node of the\nnetwork must use the same value, a peer with another is disconnected\n(default 2^128−1 base units: every key block bootstrap-activated)",
    unset: '2^128−1 base units (PROTOCOL.md §12)',
    parse: (raw, { network }) => parseBootstrapStakeFlag(raw, network),
  }),
  validator: bool({
    help: 'validator mode: endorse, at once, every slot of a candidate key block the\ndraw gives our validator key (§5.3); one process per key on this machine',
    default: () => false,
  }),
  'validator-key': str({
    arg: 'LABEL',
    help: "the wallet key that validates (default 'default'); stake it first with\naltostream wallet stake <amount> --role validator --from LABEL",
    default: () => 'default',
    parse: (raw) => raw,
  }),
  'validator-passphrase-file': optional({
    arg: 'FILE',
    help: "the passphrase of an encrypted wallet holding the validator key: FILE's first line",
    unset: 'none (the key is in the clear, as in the devnet wallet)',
    parse: (raw) => raw,
  }),
  'log-level': str({
    arg: 'SPEC',
    help: `a level (${LOG_LEVELS.join(', ')}), then module=level\npairs: info,chain=debug,p2p=warn (default info)`,
    default: () => 'info',
    parse: (raw) => parseLogLevelSpec(raw),
  }),
  'log-format': str({
    arg: 'FORMAT',
    help: 'pretty or json (default: pretty on a terminal, json otherwise)',
    default: () => (process.stdout.isTTY ? 'pretty' : 'json'),
    parse: (raw) => parseChoiceFlag('log-format', raw, ['pretty', 'json'] as const),
  }),
  'log-file': optional({
    arg: 'FILE',
    help: 'also write the log to FILE as JSON lines (its directory must exist)',
    unset: 'no log file',
    parse: checkLogFile,
  }),
  help: bool({ help: 'show this help', sources: 'flag', short: 'h', default: () => false }),
} as const;

export type SettingKey = keyof typeof SETTINGS;

/** Every setting's parsed value; undefined only for a setting without a default that nobody set. */
export type SettingValues = {
  readonly [K in SettingKey]: ReturnType<(typeof SETTINGS)[K]['parse']>;
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The environment variable of a key: `api-port` → `ALTO_API_PORT`. */
export function envName(key: string): string {
  return `ALTO_${key.toUpperCase().replace(/-/g, '_')}`;
}

/** The usage text's width: a long option name puts its help on the next line. */
const USAGE_WIDTH = 100;

/** The usage text's option lines, one setting after another, in the table's order. */
export function settingsUsage(): string {
  const lines: string[] = [];
  for (const key of SETTING_KEYS) {
    const s: Setting<unknown> = SETTINGS[key];
    const names = [
      ...(s.short === undefined ? [] : [`-${s.short}`]),
      `--${key}`,
      ...(s.kind === 'boolean' && s.sources === 'all' ? [`--no-${key}`] : []),
    ].join(', ');
    const head = `  ${names}${s.arg === undefined ? '' : ` ${s.arg}`}`;
    const [first, ...rest] = s.help.split('\n');
    if (head.length < 26) lines.push(`${head.padEnd(26)}${first}`);
    else if (head.length + 2 + (first ?? '').length <= USAGE_WIDTH) lines.push(`${head}  ${first}`);
    else lines.push(head, `${' '.repeat(26)}${first}`);
    for (const more of rest) lines.push(`${' '.repeat(26)}${more}`);
  }
  return lines.join('\n');
}
