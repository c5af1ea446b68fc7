// One GET /events client. Its position is a block — the last one it was told
// about — and the stream brings it to the best tip as fast as it reads:
// disconnections back to the best chain, then connections along it, then a
// `reorg` event if it disconnected anything. Nothing is prepared ahead: an
// event is made only when the socket's buffer has room (backpressure), so a
// replay from genesis or a client that stops reading costs one buffer, not a
// copy of the chain. Live blocks need no queue either: they are just more
// chain to catch up on. A key block's activation is part of that walk: an
// `activation` event goes out just before the `block_connected` of the block
// that activated it (the key block itself when bootstrap or fallback, its
// M_{h,0} when endorsed), without an id, so a client that drops between the
// two resumes before that block and is told again (decision 144). Candidate
// key blocks and accepted transactions are live-only, sent once the stream has
// reached the tip and queued up to a bound; a client that far behind misses
// the oldest (a comment line says so).
import type { ServerResponse } from 'node:http';
import type { Chain } from '../chain/chain.js';
import { prevOf, type Entry, type KeyEntry } from '../chain/index-entry.js';
import { ACTIVATION_BOOTSTRAP, ACTIVATION_ENDORSED } from '../consensus/activation.js';
import { accountId, encodeAddress } from '../protocol/address.js';
import { toHex } from '../util/bytes.js';
import { PREFIX_PROPOSAL } from '../state/governance-entries.js';
import { governanceEvents } from './governance-events.js';
import { blockRefView } from './views.js';

export const EVENT_TYPES = [
  'block_connected',
  'block_disconnected',
  'reorg',
  'activation',
  'proposal_tallied',
  'param_applied',
  'candidate',
  'tx_accepted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Bytes a client's socket may hold before the stream waits for it to read. */
export const STREAM_HIGH_WATER = 64 * 1024;
/** Accepted transactions held for a client that is behind. */
export const MAX_QUEUED_TXS = 4096;
/** Candidate events held for a client that is behind: as many as the chain keeps candidates (§3.4). */
export const MAX_QUEUED_CANDIDATES = 64;
const HEARTBEAT_MS = 15_000;

export interface SseEvent {
  readonly event: EventType;
  /** The cursor after this event: the block now at the client's tip. */
  readonly id?: string;
  readonly data: Record<string, unknown>;
}

export interface EventStreamOptions {
  /** The block the client is at; undefined: before genesis (a replay from key height 0). */
  readonly from: Entry | undefined;
  readonly types: ReadonlySet<string>;
  /** The network's address prefix, for the endorsers of an activation. */
  readonly hrp: string;
}

/**
 * What a stream reads of the chain: the best chain by height, an M_{h,0}'s body for its endorsers,
 * and a block's undo record with the tip's state for its governance events.
 */
export type StreamChain = Pick<Chain, 'tip' | 'keyAt' | 'epochBlocks' | 'blockOf' | 'undoOf' | 'state'>;

export class EventStream {
  private cursor: Entry | undefined;
  /** The best chain's blocks of the cursor's epoch and the cursor's place in them; null: look again. */
  private epoch: { blocks: Entry[]; at: number } | null = null;
  /** Set by the first disconnection of a catch-up, emitted as `reorg` once the tip is reached. */
  private reorg: { from: Entry; disconnected: number; connected: number } | null = null;
  private readonly txs: string[] = [];
  private droppedTxs = 0;
  private readonly candidates: SseEvent[] = [];
  private droppedCandidates = 0;
  /** The block whose activation and governance events are being told: its block_connected comes after them. */
  private announced: { readonly block: Entry; readonly events: SseEvent[] } | undefined;
  private waitingForDrain = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly raw: ServerResponse,
    private readonly chain: StreamChain,
    private readonly opts: EventStreamOptions,
  ) {
    this.cursor = opts.from;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write(': altostream events\n\n');
    this.heartbeat = setInterval(() => {
      if (raw.writableLength < STREAM_HIGH_WATER) raw.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
    raw.on('close', () => {
      clearInterval(this.heartbeat);
    });
  }

  get closed(): boolean {
    return this.raw.destroyed;
  }

  /** What the socket holds unread. */
  get buffered(): number {
    return this.raw.writableLength;
  }

  /** The best chain changed under the stream: its cached epoch may be off it now. */
  onReorg(): void {
    this.epoch = null;
  }

  onTx(id: string): void {
    if (!this.opts.types.has('tx_accepted')) return;
    if (this.txs.length >= MAX_QUEUED_TXS) {
      this.txs.shift();
      this.droppedTxs++;
    }
    this.txs.push(id);
  }

  /** A key block kept waiting for its endorsements (live only); the event is made once, by the hub. */
  onCandidate(event: SseEvent): void {
    if (!this.opts.types.has('candidate')) return;
    if (this.candidates.length >= MAX_QUEUED_CANDIDATES) {
      this.candidates.shift();
      this.droppedCandidates++;
    }
    this.candidates.push(event);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.raw.destroy();
  }

  /** Writes events while the client's buffer has room; resumes on 'drain'. */
  pump(): void {
    if (this.closed) return;
    while (this.raw.writableLength < STREAM_HIGH_WATER) {
      const event = this.next();
      if (event === undefined) return;
      if (event !== null && this.opts.types.has(event.event)) this.raw.write(format(event));
    }
    if (!this.waitingForDrain) {
      this.waitingForDrain = true;
      this.raw.once('drain', () => {
        this.waitingForDrain = false;
        this.pump();
      });
    }
  }

  /** The next event (null: one the client did not ask for), or undefined when there is nothing to say. */
  private next(): SseEvent | null | undefined {
    const tip = this.chain.tip;
    if (this.cursor === undefined) {
      const genesis = this.chain.keyAt(0n)!;
      this.cursor = genesis;
      return connected(genesis);
    }
    if (this.cursor !== tip) {
      const next = this.after(this.cursor);
      if (next === undefined) {
        // Off the best chain: step back to it, one disconnection at a time.
        const left = this.cursor;
        this.reorg ??= { from: left, disconnected: 0, connected: 0 };
        this.reorg.disconnected++;
        this.cursor = left.parent;
        this.epoch = null;
        this.announced = undefined;
        return disconnected(left);
      }
      // Told before the block, without an id: the cursor stays where it is (decisions 144, 166).
      if (this.announced?.block !== next) this.announced = { block: next, events: this.beforeConnect(next) };
      const early = this.announced.events.shift();
      if (early !== undefined) return early;
      this.announced = undefined;
      if (this.reorg !== null) this.reorg.connected++;
      this.cursor = next;
      return connected(next);
    }
    if (this.reorg !== null) {
      const r = this.reorg;
      this.reorg = null;
      return reorgEvent(r, tip);
    }
    if (this.droppedCandidates > 0) {
      this.raw.write(
        `: ${this.droppedCandidates} candidate events dropped: this client reads too slowly\n\n`,
      );
      this.droppedCandidates = 0;
    }
    const candidate = this.candidates.shift();
    if (candidate !== undefined) return candidate;
    if (this.droppedTxs > 0) {
      this.raw.write(`: ${this.droppedTxs} tx_accepted events dropped: this client reads too slowly\n\n`);
      this.droppedTxs = 0;
    }
    const tx = this.txs.shift();
    if (tx === undefined) return undefined;
    return { event: 'tx_accepted', data: { type: 'tx_accepted', id: tx, height: Number(tip.keyHeight) } };
  }

  /**
   * What `next`'s connect did that the client asked to hear of, told just before its block_connected:
   * the activation it completes, then the proposals its KeyConnect tallied and the changes it applied.
   */
  private beforeConnect(next: Entry): SseEvent[] {
    const events: SseEvent[] = [];
    // Only for a client that asked: an endorsed activation reads its M_{h,0}'s body.
    const activated = this.opts.types.has('activation') ? activatedBy(next) : undefined;
    if (activated !== undefined) events.push(this.activation(activated, next));
    if (this.opts.types.has('proposal_tallied') || this.opts.types.has('param_applied')) {
      const undo = this.chain.undoOf(next);
      if (undo !== undefined && undo.some(({ key }) => key[0] === PREFIX_PROPOSAL)) {
        const state = this.chain.state();
        events.push(...governanceEvents(undo, (id) => state.proposal(id), next));
      }
    }
    return events;
  }

  /** The activation of `key`, which `by` (the key block or its M_{h,0}) completes as it connects. */
  private activation(key: KeyEntry, by: Entry): SseEvent {
    const mode =
      key.activation === ACTIVATION_ENDORSED
        ? 'endorsed'
        : key.activation === ACTIVATION_BOOTSTRAP
          ? 'bootstrap'
          : 'fallback';
    let endorsers: { index: number; validator: string }[] | null = null;
    if (by !== key) {
      const body = this.chain.blockOf(by);
      endorsers =
        body.kind === 'micro'
          ? body.block.activation.map((e) => ({
              index: e.index,
              validator: encodeAddress(this.opts.hrp, accountId(e.validatorKey)),
            }))
          : [];
    }
    return {
      event: 'activation',
      data: {
        type: 'activation',
        id: key.hex,
        height: Number(key.keyHeight),
        mode,
        endorsers,
        block: by.hex,
      },
    };
  }

  /** The best-chain block after `entry`; undefined if `entry` is not on the best chain. */
  private after(entry: Entry): Entry | undefined {
    const height = entry.keyHeight;
    if (this.epoch === null || this.epoch.blocks[this.epoch.at] !== entry) {
      if (this.chain.keyAt(height) !== entry.epochKey) return undefined;
      const blocks = this.chain.epochBlocks(height);
      const at = blocks.indexOf(entry);
      if (at === -1) return undefined;
      this.epoch = { blocks, at };
    }
    const { blocks, at } = this.epoch;
    if (at + 1 < blocks.length) {
      this.epoch.at++;
      return blocks[at + 1];
    }
    const nextKey = this.chain.keyAt(height + 1n);
    if (nextKey !== undefined) {
      this.epoch = null;
      return nextKey;
    }
    // The tip's epoch, grown since the cache was taken.
    const grown = this.chain.epochBlocks(height);
    this.epoch = { blocks: grown, at: grown.indexOf(entry) };
    if (this.epoch.at === -1) return undefined;
    this.epoch.at++;
    return grown[this.epoch.at];
  }
}

const prevHex = (entry: Entry): string => toHex(prevOf(entry));

/**
 * The key block that `entry`'s connect activates (§3.4, §5.4): a bootstrap or fallback key block
 * itself, or an endorsed one through its M_{h,0}; genesis is activated by definition (§1.3), not by
 * a connect.
 */
function activatedBy(entry: Entry): KeyEntry | undefined {
  if (entry.kind === 'key')
    return entry.activation !== ACTIVATION_ENDORSED && entry.keyHeight > 0n ? entry : undefined;
  return entry.seq === 0 && entry.epochKey.activation === ACTIVATION_ENDORSED ? entry.epochKey : undefined;
}

function connected(entry: Entry): SseEvent {
  return {
    event: 'block_connected',
    id: entry.hex,
    data: {
      type: 'block_connected',
      ...blockRefView(entry),
      height: Number(entry.keyHeight),
      prev: prevHex(entry),
    },
  };
}

function disconnected(entry: Entry): SseEvent {
  return {
    event: 'block_disconnected',
    id: prevHex(entry),
    data: {
      type: 'block_disconnected',
      ...blockRefView(entry),
      height: Number(entry.keyHeight),
      prev: prevHex(entry),
    },
  };
}

function reorgEvent(r: { from: Entry; disconnected: number; connected: number }, to: Entry): SseEvent {
  return {
    event: 'reorg',
    data: {
      type: 'reorg',
      height: Number(to.keyHeight),
      id: to.hex,
      from: blockRefView(r.from),
      to: blockRefView(to),
      disconnected: r.disconnected,
      connected: r.connected,
    },
  };
}

function format(e: SseEvent): string {
  return `${e.id === undefined ? '' : `id: ${e.id}\n`}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
