// The built-in key-block miner: yespower on worker threads (crypto/cpu-miner)
// over templates of the best tip. A tip change re-templates at once, so the
// threads drop stale work within one ~20 ms scan chunk. With a block interval
// (devnet) it waits that long after each key block before mining the next.
// Its hash rate is the rate while hashing: a paced devnet miner hashes for a
// few milliseconds per block, so an average over wall time would say nothing
// about the machine.
import type { Chain } from '../chain/chain.js';
import { CpuMiner, type HashReport, type Solution } from '../crypto/cpu-miner.js';
import { encodeKeyBlockHeader, type KeyBlock } from '../protocol/key-block.js';
import type { Logger } from '../util/logger.js';
import type { Mining } from './mining.js';
import type { KeyBlockTemplate } from './template.js';

export interface KeyMinerOptions {
  readonly threads: number;
  readonly payout: Uint8Array;
  /** At least this long between key blocks (devnet pacing); 0: mine continuously. */
  readonly blockIntervalMs: number;
}

export interface KeyMinerModules {
  readonly chain: Pick<Chain, 'tip'>;
  /** Templates, submission, and the 'tip' event on which the miner re-templates. */
  readonly mining: Pick<Mining, 'template' | 'submit' | 'on' | 'off'>;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Runs when a paced wait ends, before the template is built: the leader may close its epoch. */
  readonly beforeTemplate?: () => void;
}

const RATE_WINDOW_MS = 10_000;
/** Re-template this often so the header time stays current while a search runs long. */
const RETEMPLATE_MS = 30_000;
const REFUSED_RETRY_MS = 1000;

export class KeyMiner {
  private template: KeyBlockTemplate | null = null;
  private extranonce = 0;
  private epochKeyHex = '';
  private epochSeenAtMs = 0;
  private waitTimer: NodeJS.Timeout | null = null;
  private retemplateTimer: NodeJS.Timeout | null = null;
  private readonly reports: { atMs: number; thread: number; hashes: number; elapsedMs: number }[] = [];
  /** Every hash the threads reported since start: a counter, for rates over any window. */
  private hashesTotal = 0;
  /** While paced: when hashing starts again (Unix ms). */
  private resumeAtMs: number | null = null;
  private stopped = false;
  private readonly onTip = (): void => {
    this.refresh();
  };

  private constructor(
    private readonly opts: KeyMinerOptions,
    private readonly mods: KeyMinerModules,
    private readonly cpu: CpuMiner,
  ) {
    cpu.on('hashes', (report) => {
      this.onHashes(report);
    });
    cpu.on('found', (solution) => {
      this.onFound(solution);
    });
    cpu.on('exhausted', () => {
      // 2^32 nonces tried: a new extranonce gives a fresh header.
      this.extranonce++;
      this.mineNow();
    });
    cpu.on('error', (error) => {
      mods.logger.error(
        { err: error },
        'miner thread failed: restart the node; if it recurs, run `altostream bench` to self-test yespower here',
      );
    });
    mods.mining.on('tip', this.onTip);
  }

  static async start(opts: KeyMinerOptions, mods: KeyMinerModules): Promise<KeyMiner> {
    const cpu = await CpuMiner.start({ threads: opts.threads });
    const miner = new KeyMiner(opts, mods, cpu);
    miner.refresh();
    return miner;
  }

  /** The tip changed: mine on it now, or after the pacing wait if a new epoch began. */
  refresh(): void {
    if (this.stopped) return;
    const key = this.mods.chain.tip.epochKey;
    if (key.hex !== this.epochKeyHex) {
      const first = this.epochKeyHex === '';
      this.epochKeyHex = key.hex;
      // On start, pace from the tip's own time: a restarted node does not wait again for a block it saw long ago.
      this.epochSeenAtMs = first ? Math.min(this.mods.now(), Number(key.timeMs)) : this.mods.now();
    }
    const waitMs = this.epochSeenAtMs + this.opts.blockIntervalMs - this.mods.now();
    if (waitMs > 0) {
      this.pause(waitMs);
      return;
    }
    if (this.waitTimer !== null) return; // the paced start is already due
    this.mineNow();
  }

  /**
   * Hashes per second while hashing: each thread's hashes over the time it
   * spent hashing, summed over the threads, from the reports of the 10 s up to
   * the last one. A paced miner keeps showing the rate of its last search.
   */
  hashRate(): number {
    this.dropOldReports();
    const perThread = new Map<number, { hashes: number; ms: number }>();
    for (const r of this.reports) {
      const sum = perThread.get(r.thread) ?? { hashes: 0, ms: 0 };
      sum.hashes += r.hashes;
      sum.ms += r.elapsedMs;
      perThread.set(r.thread, sum);
    }
    let rate = 0;
    for (const { hashes, ms } of perThread.values()) if (ms > 0) rate += (hashes * 1000) / ms;
    return rate;
  }

  /** Milliseconds until the paced miner hashes again; null while it hashes. */
  pausedForMs(): number | null {
    return this.resumeAtMs === null ? null : Math.max(0, this.resumeAtMs - this.mods.now());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.mods.mining.off('tip', this.onTip);
    this.clearTimers();
    this.resumeAtMs = null;
    await this.cpu.stop();
    await this.cpu.close();
  }

  private pause(waitMs: number): void {
    this.clearTimers();
    this.template = null;
    void this.cpu.stop();
    this.resumeAtMs = this.mods.now() + waitMs;
    this.waitTimer = setTimeout(() => {
      this.waitTimer = null;
      this.mods.beforeTemplate?.();
      this.mineNow();
    }, waitMs);
  }

  private mineNow(): void {
    if (this.stopped) return;
    this.clearTimers();
    this.resumeAtMs = null;
    const extranonce = new Uint8Array(8);
    new DataView(extranonce.buffer).setUint32(4, this.extranonce, true);
    const template = this.mods.mining.template(this.opts.payout, extranonce)!;
    this.template = template;
    this.cpu.mine({ header: encodeKeyBlockHeader(template.block.header), target: template.targetBytes });
    this.retemplateTimer = setTimeout(() => {
      this.mineNow();
    }, RETEMPLATE_MS);
  }

  /** Hashes done since the node started. */
  hashes(): number {
    return this.hashesTotal;
  }

  private onHashes(report: HashReport): void {
    this.hashesTotal += report.hashes;
    this.reports.push({ atMs: this.mods.now(), ...report });
    this.dropOldReports();
  }

  private dropOldReports(): void {
    const last = this.reports.at(-1);
    if (last === undefined) return;
    while (this.reports[0]!.atMs < last.atMs - RATE_WINDOW_MS) this.reports.shift();
  }

  private onFound(solution: Solution): void {
    const template = this.template;
    if (template === null || this.stopped) return;
    this.template = null;
    const nonce = new DataView(solution.header.buffer, solution.header.byteOffset).getUint32(76, true);
    const block: KeyBlock = { header: { ...template.block.header, nonce }, body: template.block.body };
    const result = this.mods.mining.submit(block);
    if (!result.accepted) {
      this.mods.logger.warn({ id: result.id, reason: result.reason }, 'our key block was not accepted');
      // Mine on after a pause, so a refused block neither stalls the miner nor spins it.
      this.pause(REFUSED_RETRY_MS);
      return;
    }
    this.mods.logger.info(
      { id: result.id, height: Number(block.body.height), result: result.result },
      'mined a key block',
    );
    if (result.result === 'candidate') {
      // It waits for endorsements and the tip stays (§5.4): mine on after the pacing wait, rather than
      // filling the candidate slots with our own rivals at once.
      this.pause(Math.max(this.opts.blockIntervalMs, REFUSED_RETRY_MS));
      return;
    }
    // The 'tip' event refreshes on a tip change; a block that left the tip where it was needs it here.
    if (this.isIdle()) this.refresh();
  }

  private isIdle(): boolean {
    return this.template === null && this.waitTimer === null;
  }

  private clearTimers(): void {
    if (this.waitTimer !== null) clearTimeout(this.waitTimer);
    if (this.retemplateTimer !== null) clearTimeout(this.retemplateTimer);
    this.waitTimer = null;
    this.retemplateTimer = null;
  }
}
