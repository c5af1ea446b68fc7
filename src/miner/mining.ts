// The mining service (PROTOCOL.md §11): the one place key-block templates are
// built and solved key blocks enter the chain, shared by the built-in CPU
// miner, the HTTP mining routes and the Stratum server. It also tells miners
// when their work goes stale:
//   'tip'  on every change of the best tip — the built-in miner re-templates at
//          once, for free, so its key block names the newest microblock;
//   'job'  for external miners (§11.3 policy): clean on a new epoch or a reorg,
//          not clean on new microblocks, at most once per `jobIntervalMs`.
import { EventEmitter } from 'node:events';
import type { Chain } from '../chain/chain.js';
import type { Entry } from '../chain/index-entry.js';
import { targetFromBits } from '../consensus/difficulty.js';
import type { KeyBlock } from '../protocol/key-block.js';
import type { NetworkParams } from '../protocol/params.js';
import { submitKeyBlock, type SubmitResult } from './submit.js';
import { keyBlockTemplate, type KeyBlockTemplate } from './template.js';

export interface MiningOptions {
  /** The node's leader key: every key block mined through this node names it (§11.2). */
  readonly leaderKey: Uint8Array;
  /** The operator's payout account, if any. */
  readonly payout: Uint8Array | undefined;
  /** Least time between two non-clean jobs (§11.3: 5 s). */
  readonly jobIntervalMs?: number;
}

export interface MiningModules {
  readonly chain: Pick<Chain, 'tip' | 'get' | 'nextKeyBlock' | 'add' | 'on' | 'off' | 'candidatesOn'>;
  readonly params: NetworkParams;
  /** Unix milliseconds. */
  readonly now: () => number;
  /** Sends an accepted key block to peers. */
  readonly publish: (block: KeyBlock) => void;
}

export interface MiningEvents {
  tip: [];
  job: [clean: boolean];
}

export const JOB_INTERVAL_MS = 5_000;

export class Mining extends EventEmitter<MiningEvents> {
  private readonly jobIntervalMs: number;
  private epochKeyHex: string;
  private tipHex: string;
  private checkQueued = false;
  private reorged = false;
  private lastJobAtMs = -Infinity;
  private jobTimer: NodeJS.Timeout | null = null;
  private readonly onConnected = (): void => {
    this.queueCheck();
  };
  private readonly onReorged = (): void => {
    this.reorged = true;
    this.queueCheck();
  };

  constructor(
    private readonly opts: MiningOptions,
    private readonly mods: MiningModules,
  ) {
    super();
    this.jobIntervalMs = opts.jobIntervalMs ?? JOB_INTERVAL_MS;
    const tip = mods.chain.tip;
    this.tipHex = tip.hex;
    this.epochKeyHex = tip.epochKey.hex;
    mods.chain.on('connected', this.onConnected);
    mods.chain.on('reorged', this.onReorged);
  }

  get leaderKey(): Uint8Array {
    return this.opts.leaderKey;
  }

  /** The operator's payout account, if the node has one. */
  get payout(): Uint8Array | undefined {
    return this.opts.payout;
  }

  /** A template on the best tip paying `payout` (default: the operator's); undefined when there is none to pay. */
  template(payout?: Uint8Array, extranonce?: Uint8Array): KeyBlockTemplate | undefined {
    const to = payout ?? this.opts.payout;
    if (to === undefined) return undefined;
    return keyBlockTemplate(
      this.mods.chain.nextKeyBlock(),
      {
        leaderKey: this.opts.leaderKey,
        payout: to,
        ...(extranonce === undefined ? {} : { extranonce }),
        nowS: Math.floor(this.mods.now() / 1000),
      },
      this.mods.params,
    );
  }

  /**
   * Key blocks on the best tip that wait for their endorsements (§5.4): a template builds on the
   * same tip, so a miner sees that a rival of its next block, or its own last one, is pending.
   */
  candidates(): string[] {
    return this.mods.chain.candidatesOn(this.mods.chain.tip).map((key) => key.hex);
  }

  /** The target the next key block on the best tip must meet. */
  target(): bigint {
    return targetFromBits(this.mods.chain.nextKeyBlock().bits);
  }

  /** Validates and connects a solved key block; an accepted one goes to peers at once. */
  submit(block: KeyBlock): SubmitResult {
    const result = submitKeyBlock(this.mods.chain, block);
    if (result.accepted) this.mods.publish(block);
    return result;
  }

  /**
   * Whether a key block on `prev` would still extend the best chain's current
   * epoch (§11.3): `prev` is on the best chain and in the tip's epoch.
   */
  isCurrent(prev: Uint8Array): boolean {
    const entry = this.mods.chain.get(prev);
    const tip = this.mods.chain.tip;
    if (entry === undefined || entry.epochKey !== tip.epochKey) return false;
    for (let e: Entry | undefined = tip; e !== undefined && e.keyHeight === tip.keyHeight; e = e.parent) {
      if (e === entry) return true;
    }
    return false;
  }

  stop(): void {
    this.mods.chain.off('connected', this.onConnected);
    this.mods.chain.off('reorged', this.onReorged);
    if (this.jobTimer !== null) clearTimeout(this.jobTimer);
    this.jobTimer = null;
  }

  /** One check per burst of chain events: a reorg connects many blocks in one go. */
  private queueCheck(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      this.checkTip();
    });
  }

  private checkTip(): void {
    const tip = this.mods.chain.tip;
    if (tip.hex === this.tipHex && !this.reorged) return;
    const clean = this.reorged || tip.epochKey.hex !== this.epochKeyHex;
    this.tipHex = tip.hex;
    this.epochKeyHex = tip.epochKey.hex;
    this.reorged = false;
    this.emit('tip');
    if (clean) {
      this.emitJob(true);
      return;
    }
    if (this.jobTimer !== null) return; // a non-clean job is due already
    const waitMs = this.lastJobAtMs + this.jobIntervalMs - this.mods.now();
    if (waitMs <= 0) {
      this.emitJob(false);
      return;
    }
    this.jobTimer = setTimeout(() => {
      this.jobTimer = null;
      this.emitJob(false);
    }, waitMs);
  }

  private emitJob(clean: boolean): void {
    if (this.jobTimer !== null) clearTimeout(this.jobTimer);
    this.jobTimer = null;
    this.lastJobAtMs = this.mods.now();
    this.emit('job', clean);
  }
}
