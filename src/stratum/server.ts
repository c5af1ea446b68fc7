// The Stratum v1 server (PROTOCOL.md §11.3): newline-delimited JSON-RPC over
// TCP, one StratumSession per connection, jobs from the mining service. It
// owns what a socket needs — line framing with a length cap, login and idle
// timeouts, connection caps in total and per IP, bans for invalid shares,
// a stalled reader cut off — and the books: workers, and pool shares.
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { yespower } from '../crypto/pow.js';
import type { Mining } from '../miner/mining.js';
import type { KeyBlockTemplate } from '../miner/template.js';
import { keyBlockId } from '../protocol/key-block.js';
import type { NetworkParams } from '../protocol/params.js';
import { encodeAddress } from '../protocol/address.js';
import { toHex } from '../util/bytes.js';
import type { Logger } from '../util/logger.js';
import { difficultyOf, maxExponent, shareTarget } from './difficulty.js';
import { EXTRANONCE1_LENGTH, type Job } from './job.js';
import { encodeLine, ERRORS, parseRequest, stratumError, type Outgoing } from './messages.js';
import { PoolLedger, type PoolView } from './pool.js';
import { StratumSession, type ShareEvent } from './session.js';
import { NO_STRATUM_METRICS, type StratumMetrics } from './metrics.js';
import { WorkerBook, type WorkerView } from './workers.js';

export type StratumMode = 'solo' | 'pool';

export interface StratumOptions {
  readonly host: string;
  readonly port: number;
  readonly mode: StratumMode;
  readonly maxConnections: number;
  /** Connections from one IP address; loopback is not exempt (a proxy would make it one miner). */
  readonly maxConnectionsPerIp: number;
  /** The difficulty exponent a connection starts at unless its password asks for another (`d=`). */
  readonly startExponent: number;
  /** PPLNS window in multiples of the network difficulty (pool mode). */
  readonly pplnsFactor: number;
}

export const DEFAULT_STRATUM_OPTIONS: Omit<StratumOptions, 'host' | 'port' | 'mode'> = {
  maxConnections: 1024,
  maxConnectionsPerIp: 64,
  startExponent: -2,
  pplnsFactor: 2,
};

/** A line longer than this closes the connection (a mining.submit is ~150 bytes). */
export const MAX_LINE_BYTES = 4096;
/** A connection that has not authorized a worker by then is closed. */
export const LOGIN_TIMEOUT_MS = 30_000;
/** A connection silent this long is closed (vardiff aims at a share every 15 s). */
export const IDLE_TIMEOUT_MS = 600_000;
/** Output a client has not read: past this it is not reading, and is cut off. */
export const MAX_UNREAD_BYTES = 1 << 20;
/** Invalid shares (malformed, low difficulty, duplicate, bad ntime; not stale) before a ban, if they outnumber its accepted ones. */
export const BAN_INVALID_SHARES = 100;
export const BAN_MS = 3_600_000;
/** Vardiff checks this often too, so a worker whose shares stopped is followed down. */
const TICK_MS = 1_000;

/** What the server uses of the mining service (miner/mining.ts). */
export interface StratumMining extends Pick<
  Mining,
  'template' | 'target' | 'submit' | 'isCurrent' | 'payout'
> {
  on(event: 'job', listener: (clean: boolean) => void): unknown;
  on(event: 'tip', listener: () => void): unknown;
  off(event: 'job', listener: (clean: boolean) => void): unknown;
  off(event: 'tip', listener: () => void): unknown;
}

export interface StratumModules {
  readonly mining: StratumMining;
  readonly params: NetworkParams;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** yespower of an 80-byte header (tests may count calls). */
  readonly hash?: (header: Uint8Array) => Uint8Array;
  /** Shares by outcome, counted (stratum/metrics.ts); nothing when left out. */
  readonly metrics?: StratumMetrics;
}

interface Connection {
  readonly socket: Socket;
  readonly ip: string;
  readonly session: StratumSession;
  invalid: number;
  accepted: number;
  workers: Set<string>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export class StratumServer {
  private readonly connections = new Set<Connection>();
  private readonly bans = new Map<string, number>();
  /** Templates of the current job, by payout (hex): one per tip change, shared by connections. */
  private templates = new Map<string, KeyBlockTemplate>();
  private nextExtranonce1 = randomInt(1, 0xffffffff);
  private nextJob = 1;
  private readonly workerBook: WorkerBook;
  private readonly pool: PoolLedger | null;
  private readonly tickTimer: NodeJS.Timeout;
  /** What the chain says now, computed once per tip for every connection (a fan-out asks 1,000 times). */
  private tipFacts: { maxExponent: number; blockTarget: bigint; current: Map<string, boolean> } | null = null;
  private readonly onTip = (): void => {
    this.tipFacts = null;
  };
  private readonly onJob = (clean: boolean): void => {
    this.templates = new Map();
    this.tipFacts = null;
    for (const c of this.connections) c.session.newJob(clean);
  };

  private constructor(
    private readonly opts: StratumOptions,
    private readonly mods: StratumModules,
    private readonly server: Server,
  ) {
    this.workerBook = new WorkerBook(mods.now);
    this.pool =
      opts.mode === 'pool'
        ? new PoolLedger(mods.params.hrp, opts.pplnsFactor, () => this.networkDifficulty())
        : null;
    server.on('connection', (socket) => {
      this.accept(socket);
    });
    mods.mining.on('job', this.onJob);
    mods.mining.on('tip', this.onTip);
    this.tickTimer = setInterval(() => {
      for (const c of this.connections) c.session.tick();
    }, TICK_MS);
    this.tickTimer.unref();
  }

  static async start(opts: StratumOptions, mods: StratumModules): Promise<StratumServer> {
    if (opts.mode === 'pool' && mods.mining.payout === undefined) {
      throw new Error('pool mode pays the operator: it needs a payout address');
    }
    const server = createServer({ noDelay: true });
    server.maxConnections = opts.maxConnections;
    server.listen(opts.port, opts.host);
    await once(server, 'listening');
    const stratum = new StratumServer(opts, mods, server);
    mods.logger.info({ host: opts.host, port: stratum.port, mode: opts.mode }, 'stratum server listening');
    if (!isLoopback(opts.host)) {
      mods.logger.warn(
        { host: opts.host },
        'stratum listens beyond this machine: whoever reaches it can make this node mine for them (--stratum-host 127.0.0.1 keeps it local)',
      );
    }
    return stratum;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.opts.port;
  }

  workers(): WorkerView[] {
    return this.workerBook.view();
  }

  summary(): { port: number; mode: StratumMode; workers: number; hashRate: number } {
    return { port: this.port, mode: this.opts.mode, ...this.workerBook.summary() };
  }

  /** Pool mode's PPLNS window; null in solo mode. */
  poolShares(): PoolView | null {
    return this.pool?.view() ?? null;
  }

  async close(): Promise<void> {
    clearInterval(this.tickTimer);
    this.mods.mining.off('job', this.onJob);
    this.mods.mining.off('tip', this.onTip);
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const c of this.connections) c.socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    const bannedUntil = this.bans.get(ip);
    if (bannedUntil !== undefined && bannedUntil > this.mods.now()) {
      socket.destroy();
      return;
    }
    this.bans.delete(ip);
    let fromIp = 0;
    for (const c of this.connections) if (c.ip === ip) fromIp++;
    if (fromIp >= this.opts.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    const extranonce1 = new Uint8Array(EXTRANONCE1_LENGTH);
    new DataView(extranonce1.buffer).setUint32(0, this.takeExtranonce1());
    const connection: Connection = {
      socket,
      ip,
      invalid: 0,
      accepted: 0,
      workers: new Set(),
      session: new StratumSession({
        hrp: this.mods.params.hrp,
        mode: this.opts.mode,
        extranonce1,
        template: (payout) => this.template(payout),
        isCurrent: (job: Job) => this.isCurrent(job),
        nextJobId: () => this.takeJobId(),
        maxExponent: () => this.facts().maxExponent,
        startExponent: this.opts.startExponent,
        hash: this.mods.hash ?? yespower,
        submitBlock: (block) => this.mods.mining.submit(block),
        now: this.mods.now,
        send: (message) => {
          this.send(connection, message);
        },
        onShare: (share) => {
          this.onShare(connection, share);
        },
      }),
    };
    this.connections.add(connection);
    socket.setTimeout(LOGIN_TIMEOUT_MS, () => {
      socket.destroy();
    });
    socket.on('error', () => undefined); // a reset is a disconnect: 'close' follows
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const worker of connection.workers) this.workerBook.disconnected(worker);
    });
    this.readLines(connection);
  }

  /** At most 8 hex digits: cpuminer-opt reads job ids with strtoul, 32 bits on some platforms. */
  private takeJobId(): string {
    const id = this.nextJob;
    this.nextJob = id >= 0xffffffff ? 1 : id + 1;
    return id.toString(16);
  }

  /** Never 0: the built-in miner's extranonce starts with four zero bytes. */
  private takeExtranonce1(): number {
    const value = this.nextExtranonce1;
    this.nextExtranonce1 = value >= 0xffffffff ? 1 : value + 1;
    return value;
  }

  private readLines(connection: Connection): void {
    const { socket } = connection;
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline !== -1 && !socket.destroyed) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line.length > MAX_LINE_BYTES) {
          this.drop(connection, 'line-too-long');
          return;
        }
        if (line.length > 0) this.onLine(connection, line);
        newline = pending.indexOf('\n');
      }
      if (Buffer.byteLength(pending) > MAX_LINE_BYTES) this.drop(connection, 'line-too-long');
    });
  }

  private onLine(connection: Connection, line: string): void {
    const parsed = parseRequest(line);
    if ('invalid' in parsed) {
      if (parsed.invalid === 'malformed') {
        this.drop(connection, 'malformed-json');
        return;
      }
      if (parsed.id !== null) {
        this.send(connection, {
          id: parsed.id,
          result: null,
          error: stratumError(ERRORS.other, 'not a request'),
        });
      }
      return;
    }
    connection.session.handle(parsed.request);
    for (const worker of connection.session.workerNames()) {
      if (connection.workers.has(worker)) continue;
      // Logged in: from now on only silence closes it.
      connection.socket.setTimeout(IDLE_TIMEOUT_MS);
      connection.workers.add(worker);
      this.workerBook.connected(worker, connection.session.exponent ?? 0);
      this.mods.logger.info({ worker, ip: connection.ip }, 'stratum worker authorized');
    }
  }

  private onShare(connection: Connection, share: ShareEvent): void {
    this.workerBook.record(share);
    (this.mods.metrics ?? NO_STRATUM_METRICS).share(share.outcome);
    if (share.outcome === 'accepted') {
      connection.accepted++;
      this.pool?.record(share.address, difficultyOf(share.exponent));
      // One line per share would drown the log of a busy pool: the counts are at GET /stratum/workers.
      this.mods.logger.debug(
        { worker: share.worker, difficulty: difficultyOf(share.exponent) },
        'stratum share accepted',
      );
    } else if (share.outcome !== 'stale') {
      // The worker's fault (a wrong algorithm, a bad ntime): debug, like any client's bad request.
      this.mods.logger.debug(
        { worker: share.worker, ip: connection.ip, outcome: share.outcome },
        'stratum share refused',
      );
      connection.invalid++;
      if (connection.invalid >= BAN_INVALID_SHARES && connection.invalid > connection.accepted) {
        this.bans.set(connection.ip, this.mods.now() + BAN_MS);
        this.mods.logger.warn(
          {
            worker: share.worker,
            ip: connection.ip,
            invalid: connection.invalid,
            accepted: connection.accepted,
          },
          'stratum connection banned for invalid shares',
        );
        this.drop(connection, 'banned');
        return;
      }
    }
    if (share.block === undefined) return;
    const { block, result } = share.block;
    const fields = {
      worker: share.worker,
      id: toHex(keyBlockId(block.header)),
      height: Number(block.body.height),
      payout: encodeAddress(this.mods.params.hrp, block.body.payout),
    };
    if (result.accepted)
      this.mods.logger.info({ ...fields, result: result.result }, 'stratum worker found a key block');
    else
      this.mods.logger.warn(
        { ...fields, reason: result.reason },
        'a key block from stratum was not accepted',
      );
  }

  private send(connection: Connection, message: Outgoing): void {
    const { socket } = connection;
    if (socket.destroyed) return;
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      this.drop(connection, 'not-reading');
      return;
    }
    socket.write(encodeLine(message));
  }

  private drop(connection: Connection, reason: string): void {
    this.mods.logger.debug({ ip: connection.ip, reason }, 'stratum connection closed');
    connection.socket.destroy();
  }

  private template(payout: Uint8Array): KeyBlockTemplate {
    const key = this.opts.mode === 'pool' ? 'pool' : toHex(payout);
    let template = this.templates.get(key);
    if (template === undefined) {
      template = this.mods.mining.template(this.opts.mode === 'pool' ? undefined : payout)!;
      this.templates.set(key, template);
    }
    return template;
  }

  private facts(): NonNullable<StratumServer['tipFacts']> {
    if (this.tipFacts === null) {
      const blockTarget = this.mods.mining.target();
      this.tipFacts = { blockTarget, maxExponent: maxExponent(blockTarget), current: new Map() };
    }
    return this.tipFacts;
  }

  private isCurrent(job: Job): boolean {
    const { current } = this.facts();
    let known = current.get(job.prevHex);
    if (known === undefined) {
      known = this.mods.mining.isCurrent(job.template.block.header.prev);
      current.set(job.prevHex, known);
    }
    return known;
  }

  private blockTarget(): bigint {
    return this.facts().blockTarget;
  }

  /** The block target in difficulty-1 shares. */
  private networkDifficulty(): number {
    return Number(shareTarget(0)) / Number(this.blockTarget());
  }
}
