// The leader (PROTOCOL.md §3.3, §11.2): while the best tip's epoch was opened
// by a key block naming our node key, sign microblocks of pending
// transactions — fee rate first, in nonce order — no more often than the
// interval allows, and only when there is something to carry. The chain
// commits each one before anything else sees it, which persists the signed
// header before any broadcast; a (key block, seq) pair is never signed twice.
import type { AddResult, Chain } from '../chain/chain.js';
import { microblockSigningMessage } from '../consensus/microblock-rules.js';
import { getPublicKey, sign } from '../crypto/ed25519.js';
import { sha256d } from '../crypto/hash.js';
import {
  MAX_MICROBLOCK_BYTES,
  MAX_MICROBLOCK_TXS,
  MICRO_HEADER_LENGTH,
  encodeActivation,
  merkleRoot,
  type Microblock,
  type MicroblockHeader,
} from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId, type Tx } from '../protocol/tx.js';
import type { Logger } from '../util/logger.js';

/** Where microblock transactions come from; the node passes the mempool. */
export interface TxSource {
  /** Transactions in inclusion order, within the limits. */
  select(limits: { readonly maxBytes: number; readonly maxTxs: number }): Tx[];
  /** How many are waiting (a hint: zero means there is nothing to publish). */
  readonly count: number;
}

export interface LeaderOptions {
  /** The node key's secret seed: its public key is the leader key of our key blocks. */
  readonly seed: Uint8Array;
  /** Our pace between microblocks; never below the network's MIN_MICROBLOCK_INTERVAL. */
  readonly intervalMs: number;
}

export interface LeaderModules {
  readonly chain: Pick<Chain, 'tip' | 'applicableTxs'>;
  readonly txs: TxSource;
  readonly params: NetworkParams;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Adds the signed microblock to the chain; throws a RuleError if it is refused. */
  readonly submit: (block: Microblock) => AddResult;
}

// header ‖ signature ‖ empty activation section ‖ a varint count of up to 5 bytes.
const MICROBLOCK_OVERHEAD = MICRO_HEADER_LENGTH + 64 + 1 + 5;
const EMPTY_ACTIVATION_HASH = sha256d(encodeActivation([]));

export class Leader {
  readonly leaderKey: Uint8Array;
  private timer: NodeJS.Timeout | null = null;
  /** The tip the timer was set for: a new tip reschedules it. */
  private timerTip = '';
  /** When we last published, by our clock: the pace is kept by the clock, not by header times. */
  private lastPublishedAtMs = 0;
  private lastSigned: { keyHex: string; seq: number } | null = null;
  private stopped = false;

  constructor(
    private readonly opts: LeaderOptions,
    private readonly mods: LeaderModules,
  ) {
    this.leaderKey = getPublicKey(opts.seed);
  }

  /** Whether the best tip's epoch is ours to extend. */
  isLeading(): boolean {
    const key = this.mods.chain.tip.epochKey;
    return key.keyHeight > 0n && Buffer.from(key.block.body.leaderKey).equals(this.leaderKey);
  }

  /** Transactions arrived or the tip moved: schedule a microblock if we lead and have any. */
  poke(): void {
    if (this.stopped || !this.isLeading() || this.mods.txs.count === 0) return;
    const tip = this.mods.chain.tip.hex;
    if (this.timer !== null) {
      if (this.timerTip === tip) return;
      clearTimeout(this.timer);
    }
    this.timerTip = tip;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.publish();
      this.poke();
    }, this.dueInMs());
  }

  /** Publishes what is pending now if the interval allows: the epoch's last chance before our next key block. */
  flush(): void {
    if (this.stopped || !this.isLeading() || this.dueInMs() > 0) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.publish();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private parentTimeMs(): number {
    return Number(this.mods.chain.tip.timeMs);
  }

  private spacingMs(): number {
    return Math.max(1, this.opts.intervalMs, this.mods.params.minMicroblockIntervalMs);
  }

  /**
   * When the next microblock may go out: one interval after our last one, and
   * not while its header time (at least the parent's plus the interval) would
   * be too far ahead of the clock for peers to accept (§3.3 rule 4).
   */
  private dueInMs(): number {
    const now = this.mods.now();
    const paced = this.lastPublishedAtMs + this.spacingMs() - now;
    const latestAcceptable = now + this.mods.params.microblockFutureLimitMs / 2;
    const tooFarAhead = this.parentTimeMs() + this.spacingMs() - latestAcceptable;
    return Math.max(0, paced, tooFarAhead);
  }

  /** Signs and submits one microblock on the tip; false if there was nothing to do. */
  publish(): boolean {
    if (!this.isLeading()) return false;
    const tip = this.mods.chain.tip;
    const seq = tip.kind === 'key' ? 0 : tip.seq + 1;
    const keyHex = tip.epochKey.hex;
    if (this.lastSigned !== null && this.lastSigned.keyHex === keyHex && this.lastSigned.seq >= seq) {
      // The tip went back within our own epoch: signing this seq again would be equivocation (§3.9).
      this.mods.logger.error({ keyBlock: keyHex, seq }, 'refusing to sign a microblock sequence twice');
      return false;
    }
    // The dry run keeps a stale transaction from costing the whole microblock, and this seq with it.
    const txs = this.mods.chain.applicableTxs(
      this.mods.txs.select({
        maxBytes: MAX_MICROBLOCK_BYTES - MICROBLOCK_OVERHEAD,
        maxTxs: MAX_MICROBLOCK_TXS,
      }),
    );
    if (txs.length === 0) return false;
    const header: MicroblockHeader = {
      version: 1,
      prev: tip.id,
      keyHeight: tip.keyHeight,
      seq,
      timeMs: BigInt(Math.max(this.mods.now(), this.parentTimeMs() + this.spacingMs())),
      txRoot: merkleRoot(txs.map(txId)),
      txCount: txs.length,
      actHash: EMPTY_ACTIVATION_HASH,
    };
    const leaderSig = sign(
      microblockSigningMessage(tip.epochKey.id, header, this.mods.params),
      this.opts.seed,
    );
    this.lastSigned = { keyHex, seq };
    try {
      this.mods.submit({ header, leaderSig, activation: [], txs });
    } catch (error) {
      // The dry run passed, so this is our bug; the seq is spent and the epoch stays as it is.
      this.mods.logger.error({ err: error, seq, txs: txs.length }, 'our microblock was refused');
      return false;
    }
    this.lastPublishedAtMs = this.mods.now();
    this.mods.logger.debug(
      { keyHeight: Number(tip.keyHeight), seq, txs: txs.length },
      'published a microblock',
    );
    return true;
  }
}
