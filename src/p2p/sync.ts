// Block download (PROTOCOL.md §10.3): while a peer reports more chain work
// than ours, fetch best-chain ranges by key-block epochs from several peers
// at once and connect them in order. A range starts at our tip's epoch; when
// its first block's parent is unknown we are on a fork and step back 2, 4, 8 …
// key blocks (at most UNDO_DEPTH). A range that is not answered in time is
// reassigned to another peer and the stalled peer is named in the log.
//
// A peer whose claim of more work is not backed by blocks misses: an empty or
// failed answer to a range below its claimed tip, blocks that do not link, or a
// fork search that finds no common block within UNDO_DEPTH. A miss passes the
// range to another peer and rests the peer for MISS_BACKOFF_MS, doubled at each
// further miss, whatever statuses it sends meanwhile; MAX_MISSES in a row and it
// is disconnected ('lying-sync'), and if it reconnects its first miss hangs up
// again. One delivered block clears its misses, so an honest peer that had less
// than it claimed (a reorg) only rests a moment.
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
/** The rest after a peer's first miss, doubled at each further one, up to MAX_MISS_BACKOFF_MS. */
export const MISS_BACKOFF_MS = 500;
export const MAX_MISS_BACKOFF_MS = 30_000;
/** Misses in a row after which the peer is disconnected (with the rests: 7.5 s after the first). */
export const MAX_MISSES = 5;
/** Peers disconnected for lying that are remembered: one that reconnects is hung up on at its next miss. */
export const LIARS_KEPT = 256;
/** One peer's status starts sync work at most this often; a status in between is noted, acted on later. */
export const STATUS_KICK_MS = 1000;

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
  /** The peer missed MAX_MISSES times in a row: hang up on it (`detail`: its last miss). */
  readonly onLying: (peer: string, detail: string) => void;
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
  /** Its last status; null once a round found its claim empty, until it sends another. */
  status: Status | null;
  stalledUntil: number;
  /** Misses in a row, and the rest they earned. */
  misses: number;
  restUntil: number;
  /** When its status last started sync work. */
  kickedAt: number;
}

/** Why a peer's answer to a range did not count. */
type Miss = 'empty-range' | 'failed-range' | 'unconnectable' | 'reorg-too-deep';

class StallError extends Error {}

export class Syncer {
  private readonly peers = new Map<string, PeerState>();
  /** Peers disconnected for lying, oldest first. */
  private readonly liars = new Set<string>();
  private running: Promise<void> | null = null;
  private stopped = false;
  private laterTimer: NodeJS.Timeout | null = null;
  private laterAt = Infinity;
  private started = { atMs: 0, height: 0 };
  /** Blocks this sync connected (best chain or side branch). */
  private added = 0;

  constructor(
    private readonly opts: SyncOptions,
    private readonly mods: SyncModules,
  ) {}

  onStatus(peer: string, status: Status): void {
    const now = this.mods.now();
    const known = this.peers.get(peer);
    if (known === undefined) {
      // A liar that reconnects starts one miss short of the bound, not afresh.
      const misses = this.liars.has(peer) ? MAX_MISSES - 1 : 0;
      this.peers.set(peer, { status, stalledUntil: 0, misses, restUntil: 0, kickedAt: now });
      this.kick();
      return;
    }
    // Update in place: a request in flight holds this record and may set a penalty on it.
    known.status = status;
    // A status flood must not start a round per status: note the claim, act on it once a second.
    if (now - known.kickedAt < STATUS_KICK_MS) {
      this.kickLater(known.kickedAt + STATUS_KICK_MS - now);
      return;
    }
    known.kickedAt = now;
    this.kick();
  }

  removePeer(peer: string): void {
    this.peers.delete(peer);
  }

  stop(): void {
    this.stopped = true;
    if (this.laterTimer !== null) clearTimeout(this.laterTimer);
    this.laterTimer = null;
  }

  /** Resolves when the current sync (if any) ends; for tests and a clean stop. */
  async idle(): Promise<void> {
    await this.running;
  }

  progress(): SyncProgress {
    const height = Number(this.mods.chain.tip.keyHeight);
    const now = this.mods.now();
    // Claims of peers resting after a miss are not believed.
    const claims = [...this.peers.values()].map((p) =>
      p.status === null || p.restUntil > now ? 0 : Number(p.status.tipKeyHeight),
    );
    const target = Math.max(height, ...claims);
    const elapsedS = (now - this.started.atMs) / 1000;
    const rate = this.running !== null && elapsedS > 0 ? (height - this.started.height) / elapsedS : 0;
    return {
      syncing: this.running !== null,
      height,
      target,
      rate,
      etaS: this.running !== null && rate > 0 ? (target - height) / rate : null,
    };
  }

  /** One timer for every deferred kick: the earliest wins. */
  private kickLater(ms: number): void {
    const at = this.mods.now() + ms;
    if (this.stopped || (this.laterTimer !== null && this.laterAt <= at)) return;
    if (this.laterTimer !== null) clearTimeout(this.laterTimer);
    this.laterAt = at;
    this.laterTimer = setTimeout(() => {
      this.laterTimer = null;
      this.laterAt = Infinity;
      this.kick();
    }, ms);
  }

  private kick(): void {
    const peers = this.bestPeers();
    if (this.running !== null || this.stopped) return;
    if (peers.length === 0) {
      this.wakeAfterRests();
      return;
    }
    this.started = { atMs: this.mods.now(), height: Number(this.mods.chain.tip.keyHeight) };
    this.added = 0;
    // An operator sees a sync begin and end at info level: heights, peers, duration.
    this.mods.logger.info(
      { height: this.started.height, target: this.progress().target, peers: peers.length, from: peers[0] },
      'sync started',
    );
    this.running = this.run()
      .catch((error: unknown) => {
        this.mods.logger.error(
          { err: error },
          'sync failed: it starts again with the next peer status; if it recurs, report it with this log',
        );
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
        // News may have come in while the last round finished; a rest may end later (a kick
        // deferred to its end found this sync running and was lost).
        if (this.bestPeers().length > 0) this.kickLater(100);
        else this.wakeAfterRests();
      });
  }

  /**
   * Kicks again when the first rest of a peer claiming more work than ours
   * ends: a timer may fire a little before the clock reaches it, and a kick
   * deferred to a rest's end may find a round running.
   */
  private wakeAfterRests(): void {
    if (this.stopped) return;
    const ours = this.mods.chain.tip.chainWork;
    const now = this.mods.now();
    let first = Infinity;
    for (const p of this.peers.values()) {
      if (p.status !== null && p.status.chainWork > ours && p.restUntil > now) {
        first = Math.min(first, p.restUntil);
      }
    }
    if (first !== Infinity) this.kickLater(Math.max(1, first - now));
  }

  /** Peers with more chain work than our tip and neither stalled nor resting, most work first. */
  private bestPeers(): string[] {
    const ours = this.mods.chain.tip.chainWork;
    const now = this.mods.now();
    const claims: [string, bigint][] = [];
    for (const [peer, p] of this.peers) {
      if (p.status !== null && p.status.chainWork > ours && this.askable(p, now)) {
        claims.push([peer, p.status.chainWork]);
      }
    }
    return claims.sort(([, a], [, b]) => (b > a ? 1 : b < a ? -1 : 0)).map(([peer]) => peer);
  }

  private askable(state: PeerState, now: number): boolean {
    return state.stalledUntil <= now && state.restUntil <= now;
  }

  /**
   * `peer` claimed more work and this answer backs none of it: rest it, the
   * longer the more it misses, and hang up on it after MAX_MISSES in a row.
   */
  private missed(peer: string, state: PeerState, why: Miss, keyHeight: bigint): void {
    const now = this.mods.now();
    // Requests to one peer run in parallel: the first miss of a round counts, the others share its
    // rest (or its disconnect).
    if (state.restUntil > now || this.peers.get(peer) !== state) return;
    state.misses++;
    if (state.misses >= MAX_MISSES) {
      this.mods.logger.warn(
        { peer, why, misses: state.misses, keyHeight: Number(keyHeight) },
        'peer claims more chain work than it delivers: disconnecting',
      );
      this.peers.delete(peer);
      this.liars.delete(peer);
      this.liars.add(peer);
      if (this.liars.size > LIARS_KEPT) this.liars.delete(this.liars.values().next().value!);
      this.mods.onLying(peer, why);
      return;
    }
    const restMs = Math.min(MAX_MISS_BACKOFF_MS, MISS_BACKOFF_MS * 2 ** (state.misses - 1));
    state.restUntil = now + restMs;
    this.mods.logger.debug(
      { peer, why, misses: state.misses, restMs, keyHeight: Number(keyHeight) },
      'peer missed a block range it claims: resting it',
    );
    this.kickLater(restMs); // its claim stands: ask again when the rest ends, status or not
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
        if (result === null) break; // every peer stalled on it or missed it: start over with fresh assignments
        const before = this.added;
        const outcome = this.apply(result.peer, result.blocks);
        const state = this.peers.get(result.peer);
        if (this.added > before) {
          progressed = true;
          if (state !== undefined) state.misses = 0;
          this.liars.delete(result.peer);
        }
        if (outcome === 'fork' && i === 0) {
          forked = true;
          stepBack = stepBack === 0 ? 2 : stepBack * 2;
          if (stepBack > this.opts.undoDepth) {
            // §3.4: a heavier chain beyond UNDO_DEPTH (reorg-too-deep) is the operator's to act on.
            this.mods.logger.error(
              { peer: result.peer, code: 'reorg-too-deep', undoDepth: this.opts.undoDepth },
              'a peer claims more work on a chain forking deeper than UNDO_DEPTH: if that is the real chain, resync into a new data directory',
            );
            if (state !== undefined) this.missed(result.peer, state, 'reorg-too-deep', start);
            stepBack = 0;
          }
          break;
        }
        if (outcome === 'unconnectable' && state !== undefined) {
          this.missed(result.peer, state, 'unconnectable', start + BigInt(i * EPOCHS_PER_REQUEST));
        }
        if (outcome !== 'progress' || result.blocks.length === 0) break;
      }
      if (progressed) stepBack = 0;
      if (!progressed && !forked) {
        // More work claimed, none delivered: forget the claims until the peers' next status. A peer
        // that missed keeps its claim: asked again when its rest ends, it earns the next, longer one.
        const now = this.mods.now();
        for (const peer of peers) {
          const state = this.peers.get(peer);
          if (state !== undefined && state.restUntil <= now) state.status = null;
        }
      }
      // Drain what was still in flight so no request outlives this round.
      await Promise.allSettled(fetches);
    }
  }

  /**
   * One range from the first peer that answers it in time with blocks; null if
   * none does. A peer that answers nothing below its claimed tip has missed.
   */
  private async fetch(
    keyHeight: bigint,
    peers: readonly string[],
    offset: number,
  ): Promise<{ peer: string; blocks: BlockMessage[] } | null> {
    for (let attempt = 0; attempt < peers.length; attempt++) {
      const peer = peers[(offset + attempt) % peers.length]!;
      const state = this.peers.get(peer);
      if (state?.status == null || !this.askable(state, this.mods.now())) continue;
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
        if (blocks.length > 0) return { peer, blocks };
        // A best-chain range from a height at or below the tip holds at least that key block.
        this.missed(peer, state, 'empty-range', keyHeight);
      } catch (error) {
        if (controller.signal.aborted) {
          this.mods.logger.warn(
            { peer, keyHeight: Number(keyHeight) },
            'peer stalled on a block range: reassigning it',
          );
          state.stalledUntil = this.mods.now() + STALL_PENALTY_MS;
        } else {
          this.mods.logger.debug({ err: error, peer }, 'block range request failed');
          this.missed(peer, state, 'failed-range', keyHeight);
        }
      } finally {
        clearTimeout(timer);
      }
    }
    return null;
  }

  /**
   * Connects a range in order: 'fork' if its first new block's parent is
   * unknown, 'unconnectable' if a later one does not hang on those before it.
   */
  private apply(
    peer: string,
    blocks: readonly BlockMessage[],
  ): 'progress' | 'nothing' | 'fork' | 'unconnectable' | 'invalid' {
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
        if (result === 'connected' || result === 'reorged' || result === 'side' || result === 'candidate') {
          progressed = true;
          this.added++;
        } else if (result === 'orphan') {
          // A best-chain range is one chain: a block whose parent is not the block before it was made up.
          return 'unconnectable';
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
