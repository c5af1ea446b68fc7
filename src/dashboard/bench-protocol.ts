// Messages between the page and one benchmark worker (bench.ts ↔ bench-worker.ts).

export interface StartBench {
  readonly type: 'start';
  /** Where the worker fetches the node's yespower WebAssembly. */
  readonly wasmUrl: string;
  /** Hashing time after the self-test and the warm-up hash. */
  readonly durationMs: number;
  /** 0-based; varies the header so no two threads hash the same nonces. */
  readonly thread: number;
}

export type FromBenchWorker =
  | { readonly type: 'self-test'; readonly total: number; readonly failures: readonly string[] }
  | { readonly type: 'progress'; readonly hashes: number; readonly elapsedMs: number }
  | { readonly type: 'done'; readonly hashes: number; readonly elapsedMs: number }
  | { readonly type: 'error'; readonly code: 'wasm-load-failed' | 'bench-failed'; readonly message: string };
