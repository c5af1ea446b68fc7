// "Benchmark this device": one Web Worker per thread, all started together,
// each self-testing its own wasm instance before it hashes; the result is each
// thread's rate and their sum, as cpuminer-opt reports per-thread and total.
// Any worker's self-test failure or load error stops them all and rejects
// with a BenchError that says what went wrong.
import type { FromBenchWorker, StartBench, WasmBuild } from './bench-protocol.js';

/** Seconds of hashing when the page's input is left alone. */
export const DEFAULT_BENCH_SECONDS = 10;
/** The input's bounds, in seconds. */
export const MIN_BENCH_SECONDS = 1;
export const MAX_BENCH_SECONDS = 120;
/** The most threads the selector offers, whatever the browser reports. */
export const MAX_BENCH_THREADS = 64;

export interface BenchOptions {
  readonly threads: number;
  readonly durationMs: number;
  readonly workerUrl: URL;
  readonly wasmUrls: { readonly simd: URL; readonly scalar: URL };
}

export interface BenchProgress {
  readonly phase: 'self-test' | 'hashing';
  /** Hashes per second of each thread so far (0 until it reports). */
  readonly perThread: readonly number[];
  /** 0 … 1 of the hashing time. */
  readonly fraction: number;
}

export interface BenchResult {
  readonly build: WasmBuild;
  readonly vectors: number;
  readonly perThread: readonly number[];
  readonly total: number;
  readonly hashes: number;
}

export class BenchError extends Error {
  override readonly name = 'BenchError';
  constructor(
    readonly code: 'self-test-failed' | 'wasm-load-failed' | 'bench-failed',
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export function runBenchmark(
  opts: BenchOptions,
  onProgress: (progress: BenchProgress) => void,
): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const rates = new Array<number>(opts.threads).fill(0);
    // Filled, not sparse: every() skips the holes of a sparse array and would call it done at once.
    const finished = new Array<{ hashes: number; elapsedMs: number } | undefined>(opts.threads).fill(
      undefined,
    );
    let vectors = 0;
    let build: WasmBuild = 'simd';
    let settled = false;
    let fraction = 0;
    const stop = (): void => {
      for (const w of workers) w.terminate();
    };
    const fail = (error: BenchError): void => {
      if (settled) return;
      settled = true;
      stop();
      reject(error);
    };
    const onMessage = (thread: number, message: FromBenchWorker): void => {
      if (settled) return;
      switch (message.type) {
        case 'error':
          fail(new BenchError(message.code, `thread ${thread + 1}: ${message.message}`));
          return;
        case 'self-test':
          vectors = message.total;
          if (message.build === 'scalar') build = 'scalar'; // the slower one, if threads differ
          if (message.failures.length > 0) {
            fail(
              new BenchError(
                'self-test-failed',
                `${message.failures.length} of ${message.total} yespower vectors gave the wrong hash in this browser, so its hash rate would mean nothing`,
                message.failures,
              ),
            );
          }
          return;
        case 'progress':
        case 'done':
          rates[thread] = message.hashes / (message.elapsedMs / 1000);
          fraction = Math.max(fraction, Math.min(1, message.elapsedMs / opts.durationMs));
          if (message.type === 'done') finished[thread] = message;
          break;
      }
      onProgress({ phase: 'hashing', perThread: [...rates], fraction });
      if (finished.every((f) => f !== undefined)) {
        settled = true;
        stop();
        resolve({
          build,
          vectors,
          perThread: rates,
          total: rates.reduce((a, b) => a + b, 0),
          hashes: finished.reduce((a, f) => a + f.hashes, 0),
        });
      }
    };
    onProgress({ phase: 'self-test', perThread: rates, fraction: 0 });
    for (let thread = 0; thread < opts.threads; thread++) {
      let worker: Worker;
      try {
        worker = new Worker(opts.workerUrl, { type: 'module', name: `yespower-bench-${thread + 1}` });
      } catch (error) {
        fail(new BenchError('bench-failed', `cannot start a Web Worker: ${String(error)}`));
        return;
      }
      workers.push(worker);
      worker.addEventListener('message', (event: MessageEvent<FromBenchWorker>) => {
        onMessage(thread, event.data);
      });
      worker.addEventListener('error', (event) => {
        fail(
          new BenchError('bench-failed', `thread ${thread + 1} failed: ${event.message || 'worker error'}`),
        );
      });
      const start: StartBench = {
        type: 'start',
        wasmUrls: { simd: opts.wasmUrls.simd.href, scalar: opts.wasmUrls.scalar.href },
        durationMs: opts.durationMs,
        thread,
      };
      worker.postMessage(start);
    }
  });
}
