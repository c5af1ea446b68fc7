// Peers that sent what consensus calls invalid are banned for a while
// (the node sets how long): disconnected, and refused when they or we try to redial.

export interface Ban {
  readonly until: number;
  readonly reason: string;
}

export class BanList {
  private readonly bans = new Map<string, Ban>();

  constructor(
    private readonly opts: { readonly durationMs: number },
    private readonly mods: { readonly now: () => number },
  ) {}

  ban(peer: string, reason: string): void {
    this.bans.set(peer, { until: this.mods.now() + this.opts.durationMs, reason });
  }

  isBanned(peer: string): boolean {
    const ban = this.bans.get(peer);
    if (ban === undefined) return false;
    if (ban.until > this.mods.now()) return true;
    this.bans.delete(peer);
    return false;
  }

  list(): { peer: string; until: number; reason: string }[] {
    return [...this.bans].filter(([peer]) => this.isBanned(peer)).map(([peer, ban]) => ({ peer, ...ban }));
  }
}
