// Batch verification across worker threads: a large batch is cut into one
// slice per thread, each verified by verifyBatch in its own WASM instance.
// Small batches stay on the calling thread, where copying them would cost more
// than the threads save.
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from '../util/errors.js';
import { verifyBatch, type SignedMessage } from './ed25519.js';
import type { VerifyRequest, VerifyResponse } from './verify-worker.js';
import { startSiblingWorker } from './worker-url.js';

/** Below this many items per thread, one thread does the whole batch. */
export const MIN_ITEMS_PER_THREAD = 64;
export const MAX_VERIFY_THREADS = 64;

interface Pending {
  readonly resolve: (results: boolean[]) => void;
  readonly reject: (error: Error) => void;
}

export class VerifyPool {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly workers: readonly Worker[]) {
    for (const worker of workers) {
      worker.on('message', (response: VerifyResponse) => {
        this.settle(response);
      });
      worker.on('error', (error) => {
        this.failAll(error);
      });
    }
  }

  static start(threads: number): VerifyPool {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_VERIFY_THREADS) {
      throw new InvalidArgumentError(
        'bad-threads',
        `threads must be an integer in [1, ${MAX_VERIFY_THREADS}], got ${threads}`,
      );
    }
    return new VerifyPool(
      Array.from({ length: threads }, () => startSiblingWorker(import.meta.url, 'verify-worker')),
    );
  }

  get threadCount(): number {
    return this.workers.length;
  }

  /** The same answers as verifyBatch(items), computed on up to threadCount threads. */
  async verifyBatchParallel(items: readonly SignedMessage[]): Promise<boolean[]> {
    const slices = Math.min(this.workers.length, Math.floor(items.length / MIN_ITEMS_PER_THREAD));
    if (slices <= 1) return verifyBatch(items);
    const size = Math.ceil(items.length / slices);
    const parts = await Promise.all(
      Array.from({ length: slices }, (_, k) =>
        this.run(this.workers[k]!, items.slice(k * size, (k + 1) * size)),
      ),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    this.failAll(new Error('the verify pool was closed'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private run(worker: Worker, items: readonly SignedMessage[]): Promise<boolean[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: VerifyRequest = { id, items };
      worker.postMessage(request);
    });
  }

  private settle(response: VerifyResponse): void {
    const waiter = this.pending.get(response.id);
    if (waiter === undefined) return;
    this.pending.delete(response.id);
    if (response.results !== undefined) waiter.resolve(response.results);
    else waiter.reject(new Error(`verify thread failed: ${response.error ?? 'unknown error'}`));
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
