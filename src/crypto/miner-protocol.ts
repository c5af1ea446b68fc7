// Messages between CpuMiner and its worker threads. A generation number tags
// every job; anything a worker says about an older generation is stale.

export interface WorkerInit {
  readonly thread: number;
  readonly N: number;
  readonly r: number;
  readonly pers: Uint8Array;
}

export type ToWorker =
  | {
      readonly type: 'job';
      readonly generation: number;
      readonly header: Uint8Array;
      readonly target: Uint8Array;
      readonly start: number;
      /** Exclusive. */
      readonly end: number;
    }
  | { readonly type: 'stop'; readonly generation: number };

export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'hashes';
      readonly generation: number;
      readonly hashes: number;
      readonly elapsedMs: number;
    }
  | { readonly type: 'found'; readonly generation: number; readonly nonce: number; readonly hash: Uint8Array }
  | { readonly type: 'exhausted'; readonly generation: number }
  | { readonly type: 'stopped'; readonly generation: number };
