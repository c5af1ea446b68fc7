// What GET /stratum/workers shows: per worker name, its share counts by
// outcome, its difficulty and a hash rate estimated from its accepted shares
// (each share at difficulty 2^k stands for hashesPerShare(k) hashes).
import { hashesPerShare, difficultyOf } from './difficulty.js';
import type { ShareEvent, ShareOutcome } from './session.js';

/** Accepted shares over this window make the hash-rate estimate. */
export const HASH_RATE_WINDOW_MS = 600_000;
/** Workers remembered, connected or not; the least recently active are forgotten first. */
export const MAX_WORKERS = 10_000;

export interface WorkerView {
  readonly worker: string;
  readonly connections: number;
  /** The difficulty of its last share or job. */
  readonly difficulty: number;
  readonly accepted: number;
  readonly stale: number;
  readonly duplicate: number;
  readonly lowDifficulty: number;
  readonly invalid: number;
  readonly blocks: number;
  /** Hashes per second, estimated from the accepted shares of the last 10 minutes. */
  readonly hashRate: number;
  /** Unix ms of its last accepted share; null before the first. */
  readonly lastShareMs: number | null;
}

interface Stats {
  connections: number;
  exponent: number;
  counts: Record<ShareOutcome, number>;
  blocks: number;
  /** Accepted shares in the window: when, and the hashes each stands for. */
  recent: { atMs: number; hashes: number }[];
  firstSeenMs: number;
  lastActiveMs: number;
  lastShareMs: number | null;
}

export class WorkerBook {
  private readonly stats = new Map<string, Stats>();

  constructor(private readonly now: () => number) {}

  connected(worker: string, exponent: number): void {
    const stats = this.statsOf(worker);
    stats.connections++;
    stats.exponent = exponent;
  }

  disconnected(worker: string): void {
    const stats = this.stats.get(worker);
    if (stats !== undefined) stats.connections = Math.max(0, stats.connections - 1);
  }

  record(share: ShareEvent): void {
    const stats = this.statsOf(share.worker);
    const nowMs = this.now();
    stats.counts[share.outcome]++;
    stats.exponent = share.exponent;
    if (share.block?.result.accepted === true) stats.blocks++;
    if (share.outcome === 'accepted') {
      stats.recent.push({ atMs: nowMs, hashes: hashesPerShare(share.exponent) });
      stats.lastShareMs = nowMs;
    }
    this.trim(stats, nowMs);
  }

  view(): WorkerView[] {
    const nowMs = this.now();
    return [...this.stats].map(([worker, s]) => {
      this.trim(s, nowMs);
      const spanMs = Math.min(HASH_RATE_WINDOW_MS, Math.max(1, nowMs - s.firstSeenMs));
      return {
        worker,
        connections: s.connections,
        difficulty: difficultyOf(s.exponent),
        accepted: s.counts.accepted,
        stale: s.counts.stale,
        duplicate: s.counts.duplicate,
        lowDifficulty: s.counts['low-difficulty'],
        invalid: s.counts.invalid,
        blocks: s.blocks,
        hashRate: (s.recent.reduce((sum, r) => sum + r.hashes, 0) * 1000) / spanMs,
        lastShareMs: s.lastShareMs,
      };
    });
  }

  /** Connected workers and their summed hash rate, for the status line. */
  summary(): { workers: number; hashRate: number } {
    const connected = this.view().filter((w) => w.connections > 0);
    return { workers: connected.length, hashRate: connected.reduce((sum, w) => sum + w.hashRate, 0) };
  }

  private statsOf(worker: string): Stats {
    const nowMs = this.now();
    let stats = this.stats.get(worker);
    if (stats === undefined) {
      if (this.stats.size >= MAX_WORKERS) this.forgetOldest();
      stats = {
        connections: 0,
        exponent: 0,
        counts: { accepted: 0, stale: 0, duplicate: 0, 'low-difficulty': 0, invalid: 0 },
        blocks: 0,
        recent: [],
        firstSeenMs: nowMs,
        lastActiveMs: nowMs,
        lastShareMs: null,
      };
      this.stats.set(worker, stats);
    }
    stats.lastActiveMs = nowMs;
    return stats;
  }

  private trim(stats: Stats, nowMs: number): void {
    while (stats.recent.length > 0 && stats.recent[0]!.atMs < nowMs - HASH_RATE_WINDOW_MS)
      stats.recent.shift();
  }

  private forgetOldest(): void {
    let oldest: [string, number] | undefined;
    for (const [worker, s] of this.stats) {
      if (s.connections === 0 && (oldest === undefined || s.lastActiveMs < oldest[1]))
        oldest = [worker, s.lastActiveMs];
    }
    if (oldest !== undefined) this.stats.delete(oldest[0]);
  }
}
