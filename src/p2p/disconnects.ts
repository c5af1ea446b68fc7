// Why we hung up on peers: the last few disconnects we chose, newest last, for
// GET /peers. A peer that simply left is not listed; the log names those.

export interface Disconnect {
  readonly peer: string;
  readonly atMs: number;
  /** A code: `banned` (the rule code in `detail`), `other-genesis`, `lying-sync`, `evicted`, `discouraged`, … */
  readonly reason: string;
  readonly detail: string | null;
}

/** How many disconnects GET /peers remembers. */
export const DISCONNECTS_KEPT = 100;

export class DisconnectLog {
  private readonly entries: Disconnect[] = [];

  constructor(private readonly mods: { readonly now: () => number }) {}

  record(peer: string, reason: string, detail: string | null = null): void {
    this.entries.push({ peer, atMs: this.mods.now(), reason, detail });
    if (this.entries.length > DISCONNECTS_KEPT) this.entries.shift();
  }

  list(): readonly Disconnect[] {
    return this.entries;
  }
}
