// `altostream status [--network N] [--api URL] [--json]`: one GET /status, summarised.
import { parseArgs } from 'node:util';
import { parseNetworkFlag } from '../node/config.js';
import { formatHashRate, formatMining } from '../node/status-line.js';
import { ApiError, NodeClient, NodeUnreachableError, type NodeStatus } from '../wallet/client.js';
import { defaultApiUrl, networkParams, parseApiUrlArg, toJson } from '../wallet/values.js';
import type { CommandIo } from './io.js';

export const STATUS_USAGE = `Usage: altostream status [options]

Asks a running node for its state: network, tip, peers, mempool, the
miner's hash rate while it hashes (and, when paced by --block-interval, how
long until it mines again) and the age of the last block.

Options:
  --network N   mainnet, testnet, regtest or devnet (= regtest): picks the
                default API port (default: regtest)
  --api URL     the node's API (default: http://127.0.0.1:<the network's API port>)
  --json        print the node's answer as one JSON object
  -h, --help    show this help

Exit codes: 0 ok; 1 the node is unreachable or answered an error; 2 bad usage
(an unknown flag, a bad value).`;

export async function statusCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      network: { type: 'string', default: 'regtest' },
      api: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(STATUS_USAGE);
    return 0;
  }
  const params = networkParams(parseNetworkFlag(values.network));
  const url = values.api === undefined ? defaultApiUrl(params) : parseApiUrlArg('--api', values.api);
  let status: NodeStatus;
  try {
    status = await new NodeClient({ url, signal: io.signal }).status();
  } catch (error) {
    if (error instanceof NodeUnreachableError) io.err(error.message);
    else if (error instanceof ApiError) {
      io.err(`the node at ${url} answered HTTP ${error.status}: ${error.code}: ${error.message}`);
    } else if (io.signal.aborted) io.err('altostream status: interrupted');
    else throw error;
    return 1;
  }
  if (values.json) io.out(toJson(status));
  else for (const line of summarize(status)) io.out(line);
  return 0;
}

/** The human summary, one `name  value` line per fact. */
export function summarize(s: NodeStatus): string[] {
  const tip =
    s.tip.kind === 'micro'
      ? `key height ${s.tip.keyHeight}, microblock ${s.tip.seq ?? '?'}`
      : `key height ${s.tip.keyHeight}`;
  const rows: [string, string][] = [
    ['network', `${s.network} (${s.chainId})${s.syncing ? ', syncing' : ''}`],
    ['height', String(s.height)],
    ['tip', `${s.tip.id} (${tip})`],
    ['peers', String(s.peers)],
    [
      'mempool',
      `${s.mempool.count} tx${s.mempool.count === 1 ? '' : 's'}, ${s.mempool.bytes} bytes, min fee rate ${s.mempool.minFeeRate} base units/byte`,
    ],
    ['hash rate', formatMining(s)],
    ...(s.stratum === null
      ? []
      : ([
          [
            'stratum',
            `${s.stratum.workers} worker${s.stratum.workers === 1 ? '' : 's'}, ${formatHashRate(s.stratum.hashRate)} (from their shares)`,
          ],
        ] as [string, string][])),
    ['last block', `${formatAge(s.lastBlockAgeS)} ago`],
  ];
  return rows.map(([name, value]) => `${name.padEnd(10)}  ${value}`);
}

function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
