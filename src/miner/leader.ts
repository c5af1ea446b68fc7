// The leader (PROTOCOL.md §3.3, §11.2): while the best tip's epoch was opened
// by a key block naming our node key, sign microblocks of pending
// transactions — fee rate first, in nonce order — no more often than the
// interval allows, and only when there is something to carry. The chain
// commits each one, and it is broadcast only once storage reports the commit
// durable (§3.3: a leader persists each header it signs before broadcasting),
// in the order signed; a (key block, seq) pair is never signed twice (§3.9).
import type { AddResult, Chain } from '../chain/chain.js';
import type { KeyEntry } from '../chain/index-entry.js';
import { microblockSigningMessage } from '../consensus/microblock-rules.js';
import { getPublicKey, sign } from '../crypto/ed25519.js';
import { sha256d } from '../crypto/hash.js';
import {
  MAX_MICROBLOCK_BYTES,
  MAX_MICROBLOCK_TXS,
  MICRO_HEADER_LENGTH,
  encodeActivation,
  merkleRoot,
  type ActivationEntry,
  type Microblock,
  type MicroblockHeader,
} from '../protocol/microblock.js';
import type { NetworkParams } from '../protocol/params.js';
import { txId, type Tx } from '../protocol/tx.js';
import type { Logger } from '../util/logger.js';
import { equalBytes } from '../util/bytes.js';

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
  /** Our pace between microblocks; never below the MIN_MICROBLOCK_INTERVAL in force (§8.3). */
  readonly intervalMs: number;
}

export interface LeaderModules {
  readonly chain: Pick<Chain, 'tip' | 'applicableTxs' | 'microblockIntervalInForce'>;
  readonly txs: TxSource;
  readonly params: NetworkParams;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Adds the signed microblock to the chain; throws a RuleError if it is refused. */
  readonly submit: (block: Microblock) => AddResult;
  /** Resolves once everything committed so far is on disk (the node passes storage.flushed). */
  readonly durable: () => Promise<void>;
  /** Announces a signed microblock to peers; called only once it is durable, in signing order. */
  readonly broadcast: (block: Microblock) => void;
  /**
   * Whether a key block of ours that builds on `tipId` waits for its endorsements (the activator
   * knows). A microblock on that tip would fall on a side branch the moment it activates.
   */
  readonly ownCandidateOn: (tipId: Uint8Array) => boolean;
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
  /** The last signed microblock's wait for durability and broadcast: each waits for the one before. */
  private announcing: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: LeaderOptions,
    private readonly mods: LeaderModules,
  ) {
    this.leaderKey = getPublicKey(opts.seed);
  }

  /**
   * Whether the best tip's epoch is ours to extend: it is ours, and no key block of ours waits on
   * the tip to end it. Extending it then would confirm transactions that go back to the mempool as
   * soon as that key block activates (decision 147); the tip moving wakes us again.
   */
  isLeading(): boolean {
    const tip = this.mods.chain.tip;
    const key = tip.epochKey;
    return (
      key.keyHeight > 0n &&
      equalBytes(key.block.body.leaderKey, this.leaderKey) &&
      !this.mods.ownCandidateOn(tip.id)
    );
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

  /** Resolves once every microblock signed so far has been broadcast, or given up as not durable. */
  async settled(): Promise<void> {
    await this.announcing;
  }

  private parentTimeMs(): number {
    return Number(this.mods.chain.tip.timeMs);
  }

  /** Our pace, or the tip's epoch's MIN_MICROBLOCK_INTERVAL if governance set it higher (§3.3 rule 4). */
  private spacingMs(): number {
    const chain = this.mods.chain;
    return Math.max(1, this.opts.intervalMs, chain.microblockIntervalInForce(chain.tip.epochKey));
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
      this.mods.logger.error(
        { keyBlock: keyHex, seq },
        'refusing to sign a microblock sequence twice (§3.9): our bug, we sign again from the next seq; report it with this log',
      );
      return false;
    }
    const timeMs = BigInt(Math.max(this.mods.now(), this.parentTimeMs() + this.spacingMs()));
    // The dry run keeps a stale transaction from costing the whole microblock, and this seq with it;
    // it runs at the header's own time, the t a PlayReport's window reads (§4.1, §4.9).
    const txs = this.mods.chain.applicableTxs(
      this.mods.txs.select({
        maxBytes: MAX_MICROBLOCK_BYTES - MICROBLOCK_OVERHEAD,
        maxTxs: MAX_MICROBLOCK_TXS,
      }),
      timeMs,
    );
    if (txs.length === 0) return false;
    const header: MicroblockHeader = {
      version: 1,
      prev: tip.id,
      keyHeight: tip.keyHeight,
      seq,
      timeMs,
      txRoot: merkleRoot(txs.map(txId)),
      txCount: txs.length,
      actHash: EMPTY_ACTIVATION_HASH,
    };
    const leaderSig = sign(
      microblockSigningMessage(tip.epochKey.id, header, this.mods.params),
      this.opts.seed,
    );
    this.lastSigned = { keyHex, seq };
    const block: Microblock = { header, leaderSig, activation: [], txs };
    const submittedAt = performance.now();
    try {
      this.mods.submit(block);
    } catch (error) {
      // The dry run passed, so this is our bug; the seq is spent and the epoch stays as it is.
      this.mods.logger.error(
        { err: error, seq, txs: txs.length },
        'our microblock was refused: our bug (its dry run passed), its transactions wait for the next one; report it with this log',
      );
      return false;
    }
    this.lastPublishedAtMs = this.mods.now();
    this.announce(block, submittedAt);
    return true;
  }

  /**
   * Signs and submits M_{h,0} of our candidate key block `key` with the endorsements of `section`
   * (§5.4), carrying no transactions: they apply from seq 1 on, after KeyConnect(K). The chain
   * connects K and this microblock as one; false if it was refused or this seq was signed already.
   */
  activate(key: KeyEntry, section: readonly ActivationEntry[]): boolean {
    if (this.stopped || !equalBytes(key.block.body.leaderKey, this.leaderKey)) return false;
    if (this.lastSigned !== null && this.lastSigned.keyHex === key.hex) return false;
    const keyTimeMs = Number(key.timeMs);
    const header: MicroblockHeader = {
      version: 1,
      prev: key.id,
      keyHeight: key.keyHeight,
      seq: 0,
      // §3.3 rule 4: after the key block, by at least the interval in force after KeyConnect(K).
      timeMs: BigInt(
        Math.max(this.mods.now(), keyTimeMs + 1, keyTimeMs + this.mods.chain.microblockIntervalInForce(key)),
      ),
      txRoot: merkleRoot([]),
      txCount: 0,
      actHash: sha256d(encodeActivation(section)),
    };
    const leaderSig = sign(microblockSigningMessage(key.id, header, this.mods.params), this.opts.seed);
    this.lastSigned = { keyHex: key.hex, seq: 0 };
    const block: Microblock = { header, leaderSig, activation: section, txs: [] };
    const submittedAt = performance.now();
    try {
      this.mods.submit(block);
    } catch (error) {
      this.mods.logger.error(
        { err: error, keyBlock: key.hex, endorsements: section.length },
        'our activation microblock was refused: our bug; report it with this log',
      );
      return false;
    }
    this.lastPublishedAtMs = this.mods.now();
    this.announce(block, submittedAt);
    this.mods.logger.info(
      { keyBlock: key.hex, height: Number(key.keyHeight), endorsements: section.length },
      'activated our key block',
    );
    return true;
  }

  /**
   * Broadcasts `block` once its commit is durable, after every microblock signed
   * before it. Asked right after the commit, so the wait covers this block.
   */
  private announce(block: Microblock, submittedAt: number): void {
    const committedAt = performance.now();
    const fields = {
      keyHeight: Number(block.header.keyHeight),
      seq: block.header.seq,
      txs: block.txs.length,
      commitMs: round(committedAt - submittedAt),
    };
    // Settled at once, so a failure is handled even while an earlier block still waits.
    const durable = this.mods.durable().then(
      () => round(performance.now() - committedAt),
      (error: unknown) => {
        // [§3.3] Never announce a header we cannot show is on disk: after a crash we might sign its
        // seq again, and a peer holding both headers would prove equivocation (§3.9).
        this.mods.logger.error(
          { err: error, ...fields },
          'our microblock may not be on disk: not broadcast; check the disk of the data dir (space, I/O errors)',
        );
        return null;
      },
    );
    this.announcing = this.announcing.then(async () => {
      const durableMs = await durable;
      if (durableMs === null) return;
      try {
        this.mods.broadcast(block);
      } catch (error) {
        this.mods.logger.error(
          { err: error, ...fields },
          'broadcasting our microblock failed: peers fetch it by sync; if it recurs, check the p2p lines before it',
        );
        return;
      }
      this.mods.logger.debug({ ...fields, durableMs }, 'published a microblock');
    });
  }
}

/** Milliseconds to the microsecond, for the log. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
