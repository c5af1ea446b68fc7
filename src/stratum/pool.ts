// Pool mode's share ledger (§11.2: share accounting is off-chain): PPLNS, pay
// per last N shares. Every accepted share counts its difficulty; the window
// holds the most recent shares whose difficulties sum to `windowFactor` times
// the network difficulty, so each block's reward would be split by the work
// done over about the last `windowFactor` blocks' worth. Paying out stays with
// the operator's wallet: GET /pool/shares says who is owed what fraction.
import { encodeAddress } from '../protocol/address.js';
import { toHex } from '../util/bytes.js';

export const DEFAULT_PPLNS_FACTOR = 2;

export interface PoolShareView {
  readonly address: string;
  /** Summed difficulty of its shares in the window. */
  readonly difficulty: number;
  readonly shares: number;
  /** Its part of the window, 0–1. */
  readonly fraction: number;
}

export interface PoolView {
  /** The window: `windowFactor` × the network difficulty, in difficulty-1 shares. */
  readonly windowDifficulty: number;
  readonly windowFactor: number;
  /** Summed difficulty of the shares in the window (less than the window while it fills). */
  readonly totalDifficulty: number;
  readonly miners: PoolShareView[];
}

export class PoolLedger {
  /** Oldest first; its summed difficulty stays ≤ the window plus one share. */
  private readonly shares: { account: string; difficulty: number }[] = [];
  private total = 0;

  constructor(
    private readonly hrp: string,
    private readonly windowFactor: number,
    /** The network difficulty in difficulty-1 shares (block target ÷ share target at d = 1). */
    private readonly networkDifficulty: () => number,
  ) {}

  record(account: Uint8Array, difficulty: number): void {
    this.shares.push({ account: toHex(account), difficulty });
    this.total += difficulty;
    this.trim();
  }

  view(): PoolView {
    this.trim();
    const byAccount = new Map<string, { difficulty: number; shares: number }>();
    for (const share of this.shares) {
      const sum = byAccount.get(share.account) ?? { difficulty: 0, shares: 0 };
      sum.difficulty += share.difficulty;
      sum.shares++;
      byAccount.set(share.account, sum);
    }
    return {
      windowDifficulty: this.window(),
      windowFactor: this.windowFactor,
      totalDifficulty: this.total,
      miners: [...byAccount]
        .map(([account, sum]) => ({
          address: encodeAddress(this.hrp, Buffer.from(account, 'hex')),
          difficulty: sum.difficulty,
          shares: sum.shares,
          fraction: this.total === 0 ? 0 : sum.difficulty / this.total,
        }))
        .sort((a, b) => b.difficulty - a.difficulty),
    };
  }

  private window(): number {
    return this.windowFactor * this.networkDifficulty();
  }

  /** Drops the oldest shares while the rest still fill the window. */
  private trim(): void {
    const window = this.window();
    while (this.shares.length > 1 && this.total - this.shares[0]!.difficulty >= window) {
      this.total -= this.shares.shift()!.difficulty;
    }
  }
}
