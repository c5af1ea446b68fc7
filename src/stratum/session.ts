// One Stratum connection's protocol (PROTOCOL.md §11.3–§11.4), without the
// socket: lines in, messages out through `send`. It subscribes and authorizes
// workers, sends each job with the difficulty in force, and judges shares in
// the order that never loses a block and spends a hash only on a share that
// passed every cheap check: subscribed, authorized, well-formed, job current,
// time in window, not a duplicate — then yespower, the network target first.
import { encodeKeyBlockHeader, type KeyBlock } from '../protocol/key-block.js';
import { decodeAddress } from '../protocol/address.js';
import type { SubmitResult } from '../miner/submit.js';
import type { KeyBlockTemplate } from '../miner/template.js';
import { toHex } from '../util/bytes.js';
import { difficultyHint, difficultyOf, exponentFor, shareTarget } from './difficulty.js';
import { EXTRANONCE2_LENGTH, jobOf, shareBlock, type Job } from './job.js';
import { ERRORS, stratumError, type Outgoing, type Request, type StratumError } from './messages.js';
import { Vardiff } from './vardiff.js';

/** Jobs a connection may still submit shares for; older ones answer 21 (stale). */
export const MAX_JOBS_PER_SESSION = 16;
/** Shares remembered per job for the duplicate check (22). */
export const MAX_SHARES_PER_JOB = 4096;
/** Worker names one connection may authorize. */
export const MAX_WORKERS_PER_SESSION = 16;
/** How far ahead of our clock a share's ntime may be (§11.3: now + 600). */
export const MAX_NTIME_AHEAD_S = 600;
const WORKER_SUFFIX = /^[\w.-]{1,64}$/;
const HEX8 = /^[0-9a-fA-F]{8}$/;

export type ShareOutcome = 'accepted' | 'stale' | 'duplicate' | 'low-difficulty' | 'invalid';

export interface ShareEvent {
  /** `address.worker` as authorized (the whole user string). */
  readonly worker: string;
  readonly address: Uint8Array;
  readonly outcome: ShareOutcome;
  /** The difficulty exponent the share was judged by. */
  readonly exponent: number;
  /** Set when the share met the network target and went to the chain. */
  readonly block?: { readonly block: KeyBlock; readonly result: SubmitResult };
}

export interface SessionModules {
  readonly hrp: string;
  readonly mode: 'solo' | 'pool';
  /** Unique per connection (§11.3). */
  readonly extranonce1: Uint8Array;
  /** A template on the current tip paying `payout` (solo) or the operator (pool: `payout` is ignored). */
  readonly template: (payout: Uint8Array) => KeyBlockTemplate;
  /** Whether a job's key block would still extend the best chain's current epoch. */
  readonly isCurrent: (job: Job) => boolean;
  /** A fresh, distinct job id. */
  readonly nextJobId: () => string;
  /** The largest difficulty exponent whose share target is still ≥ the block target. */
  readonly maxExponent: () => number;
  readonly startExponent: number;
  readonly hash: (header: Uint8Array) => Uint8Array;
  readonly submitBlock: (block: KeyBlock) => SubmitResult;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly send: (message: Outgoing) => void;
  readonly onShare: (share: ShareEvent) => void;
}

interface Worker {
  readonly name: string;
  readonly address: Uint8Array;
}

interface SentJob {
  readonly job: Job;
  readonly exponent: number;
  readonly shares: Set<string>;
}

/** LE256 of a hash, as §3.2 compares it with a target. */
function hashValue(hash: Uint8Array): bigint {
  return BigInt(`0x${toHex(Uint8Array.from(hash).reverse())}`);
}

export class StratumSession {
  private subscribed = false;
  private readonly workers = new Map<string, Worker>();
  /** Whose key blocks this connection mines: its first worker's address (solo) or unused (pool). */
  private payout: Uint8Array | null = null;
  private vardiff: Vardiff | null = null;
  private readonly jobs = new Map<string, SentJob>();

  constructor(private readonly mods: SessionModules) {}

  get exponent(): number | undefined {
    return this.vardiff?.exponent;
  }

  /** The worker names authorized on this connection. */
  workerNames(): string[] {
    return [...this.workers.keys()];
  }

  handle(request: Request): void {
    switch (request.method) {
      case 'mining.subscribe':
        this.subscribe(request);
        return;
      case 'mining.authorize':
        this.authorize(request);
        return;
      case 'mining.submit':
        this.submit(request);
        return;
      default:
        // cpuminer-opt sends mining.extranonce.subscribe; the connection stays (§11.3).
        this.reply(request, false, stratumError(ERRORS.other, `unknown method ${request.method}`));
    }
  }

  /** A new job on the tip: `clean` when older jobs can no longer make a block. */
  newJob(clean: boolean): void {
    if (this.vardiff !== null) {
      const changed = this.vardiff.setMax(this.mods.maxExponent());
      if (changed !== undefined) this.sendDifficulty();
    }
    this.sendJob(clean);
  }

  /** A periodic check: vardiff retargets even when a worker's shares stop coming. */
  tick(): void {
    if (this.vardiff === null) return;
    if (this.vardiff.retarget() !== undefined) this.sendDifficultyAndJob();
  }

  private subscribe(request: Request): void {
    this.subscribed = true;
    const extranonce1 = toHex(this.mods.extranonce1);
    this.reply(request, [
      [
        ['mining.set_difficulty', extranonce1],
        ['mining.notify', extranonce1],
      ],
      extranonce1,
      EXTRANONCE2_LENGTH,
    ]);
  }

  private authorize(request: Request): void {
    if (!this.subscribed) {
      this.reply(request, false, stratumError(ERRORS.notSubscribed, 'not subscribed'));
      return;
    }
    const [user, password] = request.params;
    const worker = typeof user === 'string' ? this.parseWorker(user) : undefined;
    if (worker === undefined) {
      this.reply(
        request,
        false,
        stratumError(
          ERRORS.unauthorized,
          `the user must be an address of this network (${this.mods.hrp}1…), optionally .worker`,
        ),
      );
      return;
    }
    if (!this.workers.has(worker.name) && this.workers.size >= MAX_WORKERS_PER_SESSION) {
      this.reply(request, false, stratumError(ERRORS.unauthorized, 'too many workers on one connection'));
      return;
    }
    this.workers.set(worker.name, worker);
    this.reply(request, true);
    if (this.payout !== null) return;
    // The first worker starts the work: set_difficulty, then the first job (§11.3).
    this.payout = worker.address;
    const max = this.mods.maxExponent();
    const hint = typeof password === 'string' ? difficultyHint(password) : undefined;
    const start =
      (hint === undefined ? undefined : exponentFor(hint, max)) ?? Math.min(this.mods.startExponent, max);
    this.vardiff = new Vardiff(start, max, this.mods.now);
    this.sendDifficulty();
    this.sendJob(true);
  }

  private parseWorker(user: string): Worker | undefined {
    const dot = user.indexOf('.');
    const addressText = dot === -1 ? user : user.slice(0, dot);
    if (dot !== -1 && !WORKER_SUFFIX.test(user.slice(dot + 1))) return undefined;
    try {
      return { name: user, address: decodeAddress(this.mods.hrp, addressText) };
    } catch {
      return undefined;
    }
  }

  private submit(request: Request): void {
    if (!this.subscribed) {
      this.reply(request, false, stratumError(ERRORS.notSubscribed, 'not subscribed'));
      return;
    }
    const [name, jobId, extranonce2, ntime, nonce] = request.params;
    const worker = typeof name === 'string' ? this.workers.get(name) : undefined;
    if (worker === undefined) {
      this.reply(request, false, stratumError(ERRORS.unauthorized, 'unauthorized worker'));
      return;
    }
    if (
      typeof jobId !== 'string' ||
      typeof extranonce2 !== 'string' ||
      typeof ntime !== 'string' ||
      typeof nonce !== 'string' ||
      !HEX8.test(extranonce2) ||
      !HEX8.test(ntime) ||
      !HEX8.test(nonce)
    ) {
      this.judged(
        request,
        worker,
        'invalid',
        stratumError(ERRORS.other, 'malformed share: extranonce2, ntime and nonce are 8 hex digits'),
      );
      return;
    }
    const sent = this.jobs.get(jobId);
    if (sent === undefined || !this.mods.isCurrent(sent.job)) {
      this.judged(request, worker, 'stale', stratumError(ERRORS.stale, 'stale job'), sent?.exponent);
      return;
    }
    const time = Number.parseInt(ntime, 16);
    const latest = Math.floor(this.mods.now() / 1000) + MAX_NTIME_AHEAD_S;
    if (time < sent.job.template.minTime || time > latest) {
      this.judged(
        request,
        worker,
        'invalid',
        stratumError(ERRORS.other, `ntime out of range [${sent.job.template.minTime}, ${latest}]`),
        sent.exponent,
      );
      return;
    }
    const key = `${extranonce2}${ntime}${nonce}`.toLowerCase();
    if (sent.shares.has(key)) {
      this.judged(
        request,
        worker,
        'duplicate',
        stratumError(ERRORS.duplicate, 'duplicate share'),
        sent.exponent,
      );
      return;
    }
    const block = shareBlock(
      sent.job,
      this.mods.extranonce1,
      Buffer.from(extranonce2, 'hex'),
      time,
      Number.parseInt(nonce, 16),
    );
    const value = hashValue(this.mods.hash(encodeKeyBlockHeader(block.header)));
    // The network target first: a share that makes a block is never lost (§11.4).
    const found =
      value <= sent.job.template.target ? { block, result: this.mods.submitBlock(block) } : undefined;
    if (found === undefined && value > shareTarget(sent.exponent)) {
      this.judged(
        request,
        worker,
        'low-difficulty',
        stratumError(ERRORS.lowDifficulty, 'low difficulty share'),
        sent.exponent,
      );
      return;
    }
    if (sent.shares.size < MAX_SHARES_PER_JOB) sent.shares.add(key);
    // Vardiff weighs shares by the difficulty in force: one judged by an older job's does not count.
    if (sent.exponent === this.vardiff!.exponent) this.vardiff!.recordShare();
    this.reply(request, true);
    this.mods.onShare({
      worker: worker.name,
      address: worker.address,
      outcome: 'accepted',
      exponent: sent.exponent,
      ...(found === undefined ? {} : { block: found }),
    });
    if (this.vardiff!.retarget() !== undefined) this.sendDifficultyAndJob();
  }

  /** Answers a rejected share and reports it. */
  private judged(
    request: Request,
    worker: Worker,
    outcome: Exclude<ShareOutcome, 'accepted'>,
    error: StratumError,
    exponent = this.vardiff?.exponent ?? 0,
  ): void {
    this.reply(request, false, error);
    this.mods.onShare({ worker: worker.name, address: worker.address, outcome, exponent });
  }

  private sendDifficultyAndJob(): void {
    this.sendDifficulty();
    // cpuminer-opt applies a new difficulty at the next notify, and restarts work only on a new job id.
    this.sendJob(false);
  }

  private sendDifficulty(): void {
    this.mods.send({
      id: null,
      method: 'mining.set_difficulty',
      params: [difficultyOf(this.vardiff!.exponent)],
    });
  }

  private sendJob(clean: boolean): void {
    if (this.payout === null) return;
    for (const [id, sent] of this.jobs) if (!this.mods.isCurrent(sent.job)) this.jobs.delete(id);
    const job = jobOf(this.mods.nextJobId(), this.mods.template(this.payout));
    this.jobs.set(job.id, { job, exponent: this.vardiff!.exponent, shares: new Set() });
    while (this.jobs.size > MAX_JOBS_PER_SESSION) this.jobs.delete(this.jobs.keys().next().value!);
    this.mods.send({ id: null, method: 'mining.notify', params: [...job.notify, clean] });
  }

  private reply(request: Request, result: unknown, error: StratumError | null = null): void {
    this.mods.send({ id: request.id, result, error });
  }
}
