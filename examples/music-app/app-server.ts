// The example music app (PROTOCOL.md §4.7, §4.9): stakes as an app if it has
// not yet, takes listener-signed play attestations over HTTP, and carries them
// to the node in PlayReports signed with its service key.
//
//   POST /plays   {"attestations": ["<168 bytes hex>", …]} (1–1,000): 200 {"queued": n},
//                 or 400 {code, message, index} and nothing queued
//   GET  /status  the app, its service key, queued / submitted / accepted / refused plays
//
// Run it (after `npm run build:all`, beside a node):
//   node --import tsx examples/music-app/app-server.ts --faucet
// `--help` lists the flags. It imports only the client library and talks to the
// node only over its HTTP API.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  addressOfKey,
  formatAlto,
  fromHex,
  getPublicKey,
  parseAlto,
  signStake,
  signTransfer,
  stakePayload,
  toHex,
  transferPayload,
  accountId,
  type NetworkParams,
} from '../../src/client/index.js';
import { fundFromFaucet, networkOf, parseFlags } from './cli.js';
import { NodeApi, submitOrThrow } from './node-api.js';
import { MAX_PLAYS_PER_REQUEST, PlayQueue, PlayRefusal } from './play-queue.js';
import { DEFAULT_FLUSH_MS, MAX_REPORT_PLAYS, Reporter, type ReporterStatus } from './reporter.js';

/** Fee money the app moves to its service key when that holds less than half of it (decision 194). */
export const SERVICE_KEY_FLOAT = parseAlto('1');
/** How long staking may take to confirm: a few key blocks of the devnet's 10 s (decision 194). */
export const STAKE_CONFIRM_MS = 120_000;
/** A POST /plays body: 1,000 attestations of 336 hex digits and their JSON (decision 193). */
export const BODY_LIMIT = 512 * 1024;

export interface MusicAppOptions {
  /** The node's API, e.g. http://127.0.0.1:27371. */
  readonly api: string;
  readonly params: NetworkParams;
  /** The app's 32-byte ed25519 seed: its account stakes and is credited (kind 7). */
  readonly appSeed: Uint8Array;
  /** The service key's seed: it signs the PlayReports and pays their fees. */
  readonly serviceSeed: Uint8Array;
  readonly name: string;
  /** Bonded when the app is not staked yet; default MIN_STAKE of apps. */
  readonly stake?: bigint;
  /** Plays per report, 1–1,000 (default 1,000). */
  readonly batchSize?: number;
  /** A partial report goes out after this many ms (default 2,000). */
  readonly flushMs?: number;
  readonly log?: (line: string) => void;
  /** Unix ms; a parameter so tests can move the clock. */
  readonly now?: () => number;
}

export interface AppStatus extends ReporterStatus {
  readonly app: string;
  readonly serviceKey: string;
  readonly staked: boolean;
}

export class MusicApp {
  readonly server: FastifyInstance;
  readonly address: string;
  readonly serviceAddress: string;
  private readonly api: NodeApi;
  private readonly queue: PlayQueue;
  private readonly reporter: Reporter;
  private readonly log: (line: string) => void;
  private staked = false;
  private timer: NodeJS.Timeout | undefined;
  /** The transfer that refills the service key, while it is pending. */
  private refill: string | undefined;

  constructor(private readonly opts: MusicAppOptions) {
    const { params } = opts;
    const batchSize = opts.batchSize ?? MAX_REPORT_PLAYS;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_REPORT_PLAYS) {
      throw new RangeError(`batchSize is 1–${MAX_REPORT_PLAYS}, got ${batchSize}`);
    }
    this.log = opts.log ?? (() => undefined);
    this.api = new NodeApi(opts.api, params);
    const appKey = getPublicKey(opts.appSeed);
    this.address = addressOfKey(appKey, params);
    this.serviceAddress = addressOfKey(getPublicKey(opts.serviceSeed), params);
    const now = opts.now ?? Date.now;
    this.queue = new PlayQueue(accountId(appKey), params, () => BigInt(Math.floor(now() / 1000)));
    this.reporter = new Reporter(
      {
        app: accountId(appKey),
        serviceSeed: opts.serviceSeed,
        params,
        batchSize,
        log: this.log,
        onShortOfFunds: () => this.refillServiceKey(),
      },
      this.api,
      this.queue,
    );
    this.server = this.routes(batchSize);
  }

  status(): AppStatus {
    return {
      app: this.address,
      serviceKey: this.serviceAddress,
      staked: this.staked,
      ...this.reporter.status(),
    };
  }

  /**
   * Stakes as an app (Stake role 2 with the name and service key, §4.7) unless the node shows the
   * app staked with this service key already, and moves fee money to the service key when it is
   * short. Waits until both are confirmed.
   */
  async ensureStaked(): Promise<void> {
    const { params } = this.opts;
    const servicePub = getPublicKey(this.opts.serviceSeed);
    const stake = await this.api.appStake(this.address);
    const stakedWithKey = stake !== undefined && stake.weight > 0n && stake.serviceKey === toHex(servicePub);
    const service = await this.api.account(this.serviceAddress);
    const needsFloat = (service?.balance ?? 0n) < SERVICE_KEY_FLOAT / 2n;
    if (stakedWithKey && !needsFloat) {
      this.staked = true;
      this.log(`app ${this.address} is staked with service key ${this.serviceAddress}`);
      return;
    }
    const app = await this.api.account(this.address);
    const firstNonce = app?.nextNonce ?? 0n;
    const txs = [];
    if (needsFloat) {
      const payload = transferPayload({ to: this.serviceAddress, amount: SERVICE_KEY_FLOAT }, params);
      const fee = await this.api.feeFor(payload);
      txs.push({
        what: 'service key fee money',
        tx: signTransfer(
          this.opts.appSeed,
          { to: this.serviceAddress, amount: SERVICE_KEY_FLOAT },
          { nonce: firstNonce + BigInt(txs.length), fee, params },
        ),
      });
    }
    if (!stakedWithKey) {
      // Staked with another key: a Stake of 1 base unit re-sets the name and key (§4.7 key rotation).
      const amount = stake !== undefined && stake.weight > 0n ? 1n : (this.opts.stake ?? params.minStake.app);
      const fields = { role: 2 as const, amount, app: { name: this.opts.name, serviceKey: servicePub } };
      const fee = await this.api.feeFor(stakePayload(fields));
      txs.push({
        what: `stake ${formatAlto(amount)} ALTO as app '${this.opts.name}'`,
        tx: signStake(this.opts.appSeed, fields, { nonce: firstNonce + BigInt(txs.length), fee, params }),
      });
    }
    const needed = txs.reduce((sum, { tx }) => {
      const p = tx.payload;
      return sum + tx.fee + (p.type === 1 || p.type === 6 ? p.amount : 0n);
    }, 0n);
    if ((app?.balance ?? 0n) < needed) {
      throw new Error(
        `app ${this.address} holds ${formatAlto(app?.balance ?? 0n)} ALTO and needs ${formatAlto(needed)} to stake: fund it (or run with --faucet on regtest)`,
      );
    }
    const ids = [];
    for (const { what, tx } of txs) {
      ids.push(await submitOrThrow(this.api, tx, what));
      this.log(`${what}: submitted`);
    }
    for (const id of ids) await this.api.waitConfirmed(id, STAKE_CONFIRM_MS);
    this.staked = true;
    this.log(`app ${this.address} staked, service key ${this.serviceAddress}`);
  }

  /**
   * Moves `SERVICE_KEY_FLOAT` from the app account to the service key when that holds less than half
   * of it, one transfer at a time: the reporter asks when the node refuses a report for its fee.
   */
  private async refillServiceKey(): Promise<void> {
    if (this.refill !== undefined && (await this.api.txStatus(this.refill)) === 'pending') return;
    this.refill = undefined;
    const { params } = this.opts;
    const service = await this.api.account(this.serviceAddress);
    if ((service?.balance ?? 0n) >= SERVICE_KEY_FLOAT / 2n) return;
    const fields = { to: this.serviceAddress, amount: SERVICE_KEY_FLOAT };
    const fee = await this.api.feeFor(transferPayload(fields, params));
    const nonce = await this.api.nextNonce(this.address);
    const result = await this.api.submit(signTransfer(this.opts.appSeed, fields, { nonce, fee, params }));
    if (!result.ok) {
      this.log(`the service key is short of fee money and the app could not refill it: ${result.code}`);
      return;
    }
    this.refill = result.id;
    this.log(
      `service key refilled with ${formatAlto(SERVICE_KEY_FLOAT)} ALTO (tx ${result.id.slice(0, 16)}…)`,
    );
  }

  /** Stakes if needed, then serves on `port` (0: a free one) and starts the flush timer; returns the URL. */
  async start(port: number, host = '127.0.0.1'): Promise<string> {
    await this.ensureStaked();
    const url = await this.server.listen({ port, host });
    this.timer = setInterval(() => void this.reporter.flush(true), this.opts.flushMs ?? DEFAULT_FLUSH_MS);
    this.log(`app listening on ${url}: POST /plays, GET /status`);
    return url;
  }

  /** Sends every queued play now (full reports and the last partial one). */
  flush(): Promise<void> {
    return this.reporter.flush(true);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.server.close();
  }

  private routes(batchSize: number): FastifyInstance {
    const server = Fastify({ bodyLimit: BODY_LIMIT });
    server.setErrorHandler((err, _request, reply) => {
      if (err instanceof PlayRefusal) {
        const body = {
          code: err.code,
          message: err.message,
          ...(err.index === undefined ? {} : { index: err.index }),
        };
        return reply.status(err.status).send(body);
      }
      const e = err as { statusCode?: number; validation?: unknown; message?: string };
      if (e.validation !== undefined || (e.statusCode !== undefined && e.statusCode < 500)) {
        return reply
          .status(e.statusCode ?? 400)
          .send({ code: 'bad-request', message: e.message ?? 'bad request' });
      }
      this.log(`internal error: ${String(err)}`);
      return reply.status(500).send({ code: 'internal', message: 'internal error' });
    });
    server.post(
      '/plays',
      {
        schema: {
          body: {
            type: 'object',
            required: ['attestations'],
            additionalProperties: false,
            properties: {
              attestations: {
                type: 'array',
                minItems: 1,
                maxItems: MAX_PLAYS_PER_REQUEST,
                items: { type: 'string', maxLength: 400 },
              },
            },
          },
        },
      },
      (request) => {
        const { attestations } = request.body as { attestations: string[] };
        const queued = this.queue.accept(attestations);
        if (this.queue.length >= batchSize) void this.reporter.flush(false);
        return { queued };
      },
    );
    server.get('/status', () => this.status());
    return server;
  }
}

// The command line.

const USAGE = `usage: app-server.ts [options]
  --api URL          the node's API (default http://127.0.0.1:<the network's API port>)
  --network N        regtest (default), testnet or mainnet
  --keys FILE        the app's and service key's seeds, JSON {"app": hex, "service": hex};
                     created with new random seeds if absent (default music-app-keys.json)
  --name NAME        the app's name in its stake (default "Example Music App")
  --stake ALTO       bonded if the app is not staked (default the network's MIN_STAKE of apps)
  --faucet           fund the app from the network's public faucet (regtest, testnet) if short
  --port P           where it serves (default 27400), --host H (default 127.0.0.1)
  --batch-size N     plays per PlayReport, 1–1000 (default 1000)
  --flush-ms MS      a partial report goes out after this long (default 2000)`;

function loadKeys(path: string): { app: Uint8Array; service: Uint8Array } {
  if (!existsSync(path)) {
    const keys = { app: toHex(randomBytes(32)), service: toHex(randomBytes(32)) };
    writeFileSync(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    console.log(`new app and service keys in ${path}`);
  }
  const keys = JSON.parse(readFileSync(path, 'utf8')) as { app: string; service: string };
  return { app: fromHex(keys.app, 32), service: fromHex(keys.service, 32) };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const flags = parseFlags(
    argv,
    ['api', 'network', 'keys', 'name', 'stake', 'port', 'host', 'batch-size', 'flush-ms'],
    ['faucet'],
  );
  const params = networkOf(flags);
  const api = (flags.api as string | undefined) ?? `http://127.0.0.1:${params.ports.api}`;
  const keys = loadKeys((flags.keys as string | undefined) ?? 'music-app-keys.json');
  const stake = flags.stake === undefined ? params.minStake.app : parseAlto(flags.stake as string);
  const app = new MusicApp({
    api,
    params,
    appSeed: keys.app,
    serviceSeed: keys.service,
    name: (flags.name as string | undefined) ?? 'Example Music App',
    stake,
    batchSize: flags['batch-size'] === undefined ? undefined : Number(flags['batch-size']),
    flushMs: flags['flush-ms'] === undefined ? undefined : Number(flags['flush-ms']),
    log: (line) => {
      console.log(`${new Date().toISOString()} ${line}`);
    },
  });
  console.log(`app ${app.address}, service key ${app.serviceAddress}, node ${api}`);
  if (flags.faucet === true) {
    await fundFromFaucet(new NodeApi(api, params), app.address, stake + SERVICE_KEY_FLOAT + parseAlto('1'));
  }
  await app.start(Number(flags.port ?? 27400), (flags.host as string | undefined) ?? '127.0.0.1');
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
