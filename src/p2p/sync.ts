// Block download (PROTOCOL.md §10.3): while a peer reports more chain work
// than ours, fetch best-chain ranges by key-block epochs from several peers
// at once and connect them in order. A range starts at our tip's epoch; when
// its first block's parent is unknown we are on a fork and step back 2, 4, 8 …
// key blocks (at most UNDO_DEPTH). A range that is not answered in time is
// reassigned to another peer and the stalled peer is named in the log.
import type { PeerId } from '@libp2p/interface';
import type { AddResult, AnyBlock, Chain } from '../chain/chain.js';
import { RuleError } from '../protocol/errors.js';
import { blockId } from '../chain/block-store.js';
import type { Logger } from '../util/logger.js';
import type { ReqResp } from './reqresp.js';
import { blockOfMessage, type BlockMessage, type Status } from './wire.js';

const EPOCHS_PER_REQUEST = 16;
const MAX_PARALLEL = 4;
/** A stalled peer is not asked again for this long. */
const STALL_PENALTY_MS = 60_000;

export interface SyncOptions {
  /** A range not answered within this is reassigned (policy). */
  readonly stallMs: number;
  /** UNDO_DEPTH (§3.4): the fork search steps back at most this many key blocks (§10.3). */
  readonly undoDepth: number;
}

export interface SyncModules {
  readonly chain: Pick<Chain, 'tip' | 'get'>;
  readonly addBlock: (block: AnyBlock) => AddResult;
  readonly reqresp: Pick<ReqResp, 'blocks'>;
  readonly peerId: (peer: string) => PeerId;
  readonly logger: Logger;
  readonly now: () => number;
  readonly onInvalid: (peer: string, code: string) => void;
}

export interface SyncProgress {
  readonly syncing: boolean;
  readonly height: number;
  readonly target: number;
  /** Key blocks per second over this sync, and the time left at that pace. */
  readonly rate: number;
  readonly etaS: number | null;
}

interface PeerState {
  status: Status;
  stalledUntil: number;
}

class StallError extends Error {}

export class Syncer {
  private readonly peers = new Map<string, PeerState>();
  private running: Promise<void> | null = null;
  private stopped = false;
  private started = { atMs: 0, height: 0 };
  /** Blocks this sync connected (best chain or side branch). */
  private added = 0;

  constructor(
    private readonly opts: SyncOptions,
    private readonly mods: SyncModules,
  ) {}

  onStatus(peer: string, status: Status): void {
    const known = this.peers.get(peer);
    // Update in place: a request in flight holds this record and may set the stall penalty on it.
    if (known === undefined) this.peers.set(peer, { status, stalledUntil: 0 });
    else known.status = status;
    this.kick();
  }

  removePeer(peer: string): void {
    this.peers.delete(peer);
  }

  stop(): void {
    this.stopped = true;
  }

  /** Resolves when the current sync (if any) ends; for tests and a clean stop. */
  async idle(): Promise<void> {
    await this.running;
  }

  progress(): SyncProgress {
    const height = Number(this.mods.chain.tip.keyHeight);
    const target = Math.max(height, ...[...this.peers.values()].map((p) => Number(p.status.tipKeyHeight)));
    const elapsedS = (this.mods.now() - this.started.atMs) / 1000;
    const rate = this.running !== null && elapsedS > 0 ? (height - this.started.height) / elapsedS : 0;
    return {
      syncing: this.running !== null,
      height,
      target,
      rate,
      etaS: this.running !== null && rate > 0 ? (target - height) / rate : null,
    };
  }

  private kick(): void {
    const peers = this.bestPeers();
    if (this.running !== null || this.stopped || peers.length === 0) return;
    this.started = { atMs: this.mods.now(), height: Number(this.mods.chain.tip.keyHeight) };
    this.added = 0;
    // An operator sees a sync begin and end at info level: heights, peers, duration.
    this.mods.logger.info(
      { height: this.started.height, target: this.progress().target, peers: peers.length, from: peers[0] },
      'sync started',
    );
    this.running = this.run()
      .catch((error: unknown) => {
        this.mods.logger.error({ err: error }, 'sync failed');
      })
      .finally(() => {
        this.mods.logger.info(
          {
            from: this.started.height,
            height: Number(this.mods.chain.tip.keyHeight),
            blocks: this.added,
            durationMs: Math.round(this.mods.now() - this.started.atMs),
          },
          'sync ended',
        );
        this.running = null;
        // News may have come in while the last round finished.
        if (!this.stopped && this.bestPeers().length > 0) {
          setTimeout(() => {
            this.kick();
          }, 100);
        }
      });
  }

  /** Peers with more chain work than our tip and not in a stall penalty, most work first. */
  private bestPeers(): string[] {
    const ours = this.mods.chain.tip.chainWork;
    const now = this.mods.now();
    return [...this.peers]
      .filter(([, p]) => p.status.chainWork > ours && p.stalledUntil <= now)
      .sort(([, a], [, b]) => (b.status.chainWork > a.status.chainWork ? 1 : -1))
      .map(([peer]) => peer);
  }

  private async run(): Promise<void> {
    let stepBack = 0;
    while (!this.stopped) {
      const peers = this.bestPeers();
      if (peers.length === 0) return;
      const tipHeight = this.mods.chain.tip.keyHeight;
      const start = tipHeight > BigInt(stepBack) ? tipHeight - BigInt(stepBack) : 0n;
      const parallel = Math.min(MAX_PARALLEL, peers.length * 2);
      const fetches = Array.from({ length: parallel }, (_, i) =>
        this.fetch(start + BigInt(i * EPOCHS_PER_REQUEST), peers, i),
      );
      let progressed = false;
      let forked = false;
      for (const [i, fetch] of fetches.entries()) {
        const result = await fetch;
        if (result === null) break; // every peer stalled on it: start over with fresh assignments
        const outcome = this.apply(result.peer, result.blocks);
        if (outcome === 'fork' && i === 0) {
          forked = true;
          stepBack = stepBack === 0 ? 2 : stepBack * 2;
          if (stepBack > this.opts.undoDepth) {
            // §3.4: a heavier chain beyond UNDO_DEPTH (reorg-too-deep) is the operator's to act on.
            this.mods.logger.error(
              { peer: result.peer, code: 'reorg-too-deep', undoDepth: this.opts.undoDepth },
              'a peer claims more work on a chain forking deeper than UNDO_DEPTH: if that is the real chain, resync into a new data directory',
            );
            this.peers.delete(result.peer);
            stepBack = 0;
          }
          break;
        }
        if (outcome === 'invalid' || result.blocks.length === 0) break;
        if (outcome === 'progress') progressed = true;
      }
      if (progressed) stepBack = 0;
      if (!progressed && !forked) {
        // More work claimed, none delivered: forget the claim until the peer's next status.
        for (const peer of peers) this.peers.delete(peer);
      }
      // Drain what was still in flight so no request outlives this round.
      await Promise.allSettled(fetches);
    }
  }

  /** One range from the first peer that answers it in time; null if none does. */
  private async fetch(
    keyHeight: bigint,
    peers: readonly string[],
    offset: number,
  ): Promise<{ peer: string; blocks: BlockMessage[] } | null> {
    for (let attempt = 0; attempt < peers.length; attempt++) {
      const peer = peers[(offset + attempt) % peers.length]!;
      const state = this.peers.get(peer);
      if (state === undefined || state.stalledUntil > this.mods.now()) continue;
      if (state.status.tipKeyHeight < keyHeight) return { peer, blocks: [] };
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort(new StallError());
      }, this.opts.stallMs);
      try {
        const blocks: BlockMessage[] = [];
        const range = { keyHeight, startIndex: 0, maxEpochs: EPOCHS_PER_REQUEST };
        for await (const message of this.mods.reqresp.blocks(
          this.mods.peerId(peer),
          { range },
          controller.signal,
        )) {
          blocks.push(message);
        }
        return { peer, blocks };
      } catch (error) {
        if (controller.signal.aborted) {
          this.mods.logger.warn(
            { peer, keyHeight: Number(keyHeight) },
            'peer stalled on a block range: reassigning it',
          );
          state.stalledUntil = this.mods.now() + STALL_PENALTY_MS;
        } else {
          this.mods.logger.debug({ err: error, peer }, 'block range request failed');
          this.peers.delete(peer);
        }
      } finally {
        clearTimeout(timer);
      }
    }
    return null;
  }

  /** Connects a range in order: 'fork' if its first block's parent is unknown. */
  private apply(peer: string, blocks: readonly BlockMessage[]): 'progress' | 'nothing' | 'fork' | 'invalid' {
    let progressed = false;
    for (const message of blocks) {
      if (message.kind === 'unknown') continue;
      let block: AnyBlock;
      try {
        block = blockOfMessage(message);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        this.mods.onInvalid(peer, error.code);
        return 'invalid';
      }
      const id = blockId(block);
      if (this.mods.chain.get(id) !== undefined) continue; // already ours, like the start of our own epoch
      // The first new block of the range must hang on what we have; else we are on a fork.
      if (!progressed && this.mods.chain.get(block.block.header.prev) === undefined) return 'fork';
      try {
        const result = this.mods.addBlock(block);
        if (result === 'connected' || result === 'reorged' || result === 'side') {
          progressed = true;
          this.added++;
        }
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        if (error.gossip === 'reject') {
          this.mods.onInvalid(peer, error.code);
          return 'invalid';
        }
        return progressed ? 'progress' : 'nothing';
      }
    }
    return progressed ? 'progress' : 'nothing';
  }
}
