// Messages between the page and one benchmark worker (bench.ts ↔ bench-worker.ts).

/** Which of the node's builds a worker runs: asconfig.json's "release" (SIMD) or "scalar" target. */
export type WasmBuild = 'simd' | 'scalar';

export interface StartBench {
  readonly type: 'start';
  /** Where the worker fetches the node's yespower WebAssembly: the SIMD build, else the scalar one. */
  readonly wasmUrls: { readonly simd: string; readonly scalar: string };
  /** Hashing time after the self-test and the warm-up hash. */
  readonly durationMs: number;
  /** 0-based; varies the header so no two threads hash the same nonces. */
  readonly thread: number;
}

export type FromBenchWorker =
  | {
      readonly type: 'self-test';
      readonly build: WasmBuild;
      readonly total: number;
      readonly failures: readonly string[];
    }
  | { readonly type: 'progress'; readonly hashes: number; readonly elapsedMs: number }
  | { readonly type: 'done'; readonly hashes: number; readonly elapsedMs: number }
  | { readonly type: 'error'; readonly code: 'wasm-load-failed' | 'bench-failed'; readonly message: string };
