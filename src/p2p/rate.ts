// A request budget per key (a peer, or a peer and a protocol): at most
// `requests` in each fixed window of `windowMs`. The server side refuses what
// is over it; the client side stays under the server's, so an honest peer
// never refuses us.

/** Past this many keys, `take` drops the windows that have ended (peers that came and went). */
export const PRUNE_AT = 1024;

export interface RateLimitOptions {
  readonly requests: number;
  readonly windowMs: number;
}

export class RateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();
  /** Pruning runs past this size, which doubles while most windows are live, so it stays amortised O(1). */
  private pruneAt = PRUNE_AT;

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly mods: { readonly now: () => number },
  ) {}

  /** Counts one request for `key`; false if it is over the budget of the current window. */
  take(key: string): boolean {
    const now = this.mods.now();
    if (this.windows.size > this.pruneAt) this.prune(now);
    const window = this.windows.get(key);
    if (window === undefined || now - window.start > this.opts.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    window.count++;
    return window.count <= this.opts.requests;
  }

  forget(key: string): void {
    this.windows.delete(key);
  }

  /** How many keys have a window; for tests. */
  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start > this.opts.windowMs) this.windows.delete(key);
    }
    this.pruneAt = Math.max(PRUNE_AT, 2 * this.windows.size);
  }
}
