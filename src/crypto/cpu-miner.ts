// The CPU miner: N worker threads, each with its own WASM instance, scanning
// disjoint slices of a job's nonce range and reporting the hashes they did.
// A new job or a stop reaches every worker within one ~20 ms chunk.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../util/errors.js';
import { checkBytes } from './bytes.js';
import { startSiblingWorker } from './worker-url.js';
import type { FromWorker, ToWorker, WorkerInit } from './miner-protocol.js';
import {
  ALTO_YESPOWER,
  HEADER_LENGTH,
  NONCE_OFFSET,
  TARGET_LENGTH,
  checkYespowerParams,
  type YespowerParams,
} from './pow.js';

export interface CpuMinerOptions {
  readonly threads: number;
  readonly params?: YespowerParams;
}

export interface MiningJob {
  /** 80-byte header; its nonce field is overwritten. */
  readonly header: Uint8Array;
  /** 256-bit little-endian target: a hash ≤ target solves the job. */
  readonly target: Uint8Array;
  /** First nonce to try (default 0). */
  readonly startNonce?: number;
  /** One past the last nonce to try (default 2^32). */
  readonly endNonce?: number;
}

export interface HashReport {
  readonly thread: number;
  readonly hashes: number;
  readonly elapsedMs: number;
}

export interface Solution {
  readonly thread: number;
  readonly nonce: number;
  readonly hash: Uint8Array;
  /** The job's header with the winning nonce in place. */
  readonly header: Uint8Array;
}

export interface CpuMinerEvents {
  hashes: [HashReport];
  found: [Solution];
  /** Every thread ran out of nonces without a solution. */
  exhausted: [];
  error: [Error];
}

export const MAX_THREADS = 256;

interface Thread {
  readonly worker: Worker;
  /** stop() calls waiting for this thread to confirm a stop of at least their generation. */
  stopWaiters: { readonly generation: number; readonly resolve: () => void }[];
}

export class CpuMiner extends EventEmitter<CpuMinerEvents> {
  private generation = 0;
  private header: Uint8Array = new Uint8Array(HEADER_LENGTH);
  private running = 0;

  private constructor(private readonly threads: Thread[]) {
    super();
  }

  /** Starts `threads` workers and resolves once every one has loaded its WASM. */
  static async start(options: CpuMinerOptions): Promise<CpuMiner> {
    const { threads } = options;
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new InvalidArgumentError(
        'bad-threads',
        `threads must be an integer in [1, ${MAX_THREADS}], got ${threads}`,
      );
    }
    const params = options.params ?? ALTO_YESPOWER;
    checkYespowerParams(params);
    const started = Array.from({ length: threads }, (_, thread) => spawn(thread, params));
    const settled = await Promise.allSettled(started);
    const workers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error('a miner thread failed to start', { cause: failure.reason });
    }
    const miner = new CpuMiner(workers.map((worker) => ({ worker, stopWaiters: [] })));
    miner.threads.forEach((thread, index) => {
      thread.worker.on('message', (message: FromWorker) => {
        miner.onMessage(index, message);
      });
      thread.worker.on('error', (error) => miner.emit('error', error));
    });
    return miner;
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /** Replaces whatever is being mined; the old job's reports stop at once. */
  mine(job: MiningJob): void {
    checkBytes('header', job.header, HEADER_LENGTH);
    checkBytes('target', job.target, TARGET_LENGTH);
    const start = job.startNonce ?? 0;
    const end = job.endNonce ?? 0x100000000;
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end > 0x100000000 ||
      start >= end
    ) {
      throw new InvalidArgumentError(
        'bad-nonce-range',
        `nonce range [${start}, ${end}) is not within [0, 2^32)`,
      );
    }
    this.generation++;
    this.header = job.header.slice();
    const slice = Math.ceil((end - start) / this.threads.length);
    this.running = 0;
    this.threads.forEach((thread, index) => {
      const from = start + index * slice;
      const to = Math.min(end, from + slice);
      if (from >= to) return;
      this.running++;
      post(thread, {
        type: 'job',
        generation: this.generation,
        header: this.header,
        target: job.target,
        start: from,
        end: to,
      });
    });
  }

  /**
   * Stops scanning and resolves once every thread has confirmed it is idle:
   * after that no 'hashes', 'found' or 'exhausted' event comes until the next mine().
   */
  async stop(): Promise<void> {
    this.generation++;
    this.running = 0;
    const generation = this.generation;
    await Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            thread.stopWaiters.push({ generation, resolve });
            post(thread, { type: 'stop', generation });
          }),
      ),
    );
  }

  /** Stops and terminates every thread. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private onMessage(index: number, message: FromWorker): void {
    if (message.type === 'ready') return;
    if (message.type === 'stopped') {
      const thread = this.threads[index]!;
      const done = thread.stopWaiters.filter((w) => w.generation <= message.generation);
      thread.stopWaiters = thread.stopWaiters.filter((w) => w.generation > message.generation);
      for (const waiter of done) waiter.resolve();
      return;
    }
    if (message.generation !== this.generation) return; // about a job already replaced
    switch (message.type) {
      case 'hashes':
        this.emit('hashes', { thread: index, hashes: message.hashes, elapsedMs: message.elapsedMs });
        break;
      case 'found': {
        const header = this.header.slice();
        new DataView(header.buffer).setUint32(NONCE_OFFSET, message.nonce, true);
        // The job is solved: the other threads' work on it is now wasted.
        this.generation++;
        this.running = 0;
        for (const thread of this.threads) post(thread, { type: 'stop', generation: this.generation });
        this.emit('found', { thread: index, nonce: message.nonce, hash: message.hash, header });
        break;
      }
      case 'exhausted':
        this.running--;
        if (this.running === 0) this.emit('exhausted');
        break;
    }
  }
}

function post(thread: Thread, message: ToWorker): void {
  thread.worker.postMessage(message);
}

function spawn(thread: number, params: YespowerParams): Promise<Worker> {
  const init: WorkerInit = { thread, N: params.N, r: params.r, pers: params.pers };
  const worker = startSiblingWorker(import.meta.url, 'miner-worker', { workerData: init });
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    worker.once('error', onError);
    worker.once('message', (message: FromWorker) => {
      worker.off('error', onError);
      if (message.type === 'ready') resolve(worker);
      else reject(new Error(`miner thread ${thread} sent ${message.type} before ready`));
    });
  });
}
