// A request budget per key (a peer, or a peer and a protocol): at most
// `requests` in each fixed window of `windowMs`. The server side refuses what
// is over it; the client side stays under the server's, so an honest peer
// never refuses us.

export interface RateLimitOptions {
  readonly requests: number;
  readonly windowMs: number;
}

export class RateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly mods: { readonly now: () => number },
  ) {}

  /** Counts one request for `key`; false if it is over the budget of the current window. */
  take(key: string): boolean {
    const now = this.mods.now();
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
}
