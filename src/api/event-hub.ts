// Every GET /events stream, fed from one subscription to the chain and the
// mempool (not one per client: hundreds of clients would each hold listeners).
// The number of streams is capped, and so is what they hold together: each
// waits for its client at STREAM_HIGH_WATER, so the total stays near
// maxStreams × that; past maxBufferedBytes the stream holding most goes first.
import type { ServerResponse } from 'node:http';
import type { Chain } from '../chain/chain.js';
import type { Entry, KeyEntry } from '../chain/index-entry.js';
import { encodeAddress } from '../protocol/address.js';
import { RuleError } from '../protocol/errors.js';
import { toHex } from '../util/bytes.js';
import type { Mempool, MempoolEntry } from '../mempool/mempool.js';
import type { Logger } from '../util/logger.js';
import { EventStream, type SseEvent } from './event-stream.js';

export interface EventHubOptions {
  /** Streams open at once; one more is refused (503 too-many-streams). */
  readonly maxStreams: number;
  /** What all streams' sockets may hold unread together before the one holding most is dropped. */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_EVENT_HUB_OPTIONS: EventHubOptions = {
  maxStreams: 100,
  maxBufferedBytes: 64 * 1024 * 1024,
};

export interface EventHubModules {
  readonly chain: Pick<
    Chain,
    'tip' | 'keyAt' | 'epochBlocks' | 'blockOf' | 'drawOf' | 'undoOf' | 'state' | 'on' | 'off'
  >;
  readonly mempool: Pick<Mempool, 'on' | 'off'>;
  readonly logger: Logger;
  /** The network's address prefix. */
  readonly hrp: string;
}

export class EventHub {
  private readonly streams = new Set<EventStream>();
  /** Streams that asked for tx_accepted: the mempool is listened to only while there are some. */
  private txStreams = 0;
  /** Streams that asked for candidate events: the chain's `candidate` is listened to only while there are some. */
  private candidateStreams = 0;
  private pumpQueued = false;

  constructor(
    private readonly opts: EventHubOptions,
    private readonly mods: EventHubModules,
  ) {
    mods.chain.on('connected', this.onBlock);
    mods.chain.on('disconnected', this.onBlock);
    mods.chain.on('reorged', this.onReorg);
  }

  get size(): number {
    return this.streams.size;
  }

  get maxStreams(): number {
    return this.opts.maxStreams;
  }

  /** A new stream for `raw` from block `from` (undefined: from genesis), or undefined when at the cap. */
  open(raw: ServerResponse, from: Entry | undefined, types: ReadonlySet<string>): EventStream | undefined {
    if (this.streams.size >= this.opts.maxStreams) return undefined;
    const stream = new EventStream(raw, this.mods.chain, { from, types, hrp: this.mods.hrp });
    const wantsTxs = types.has('tx_accepted');
    const wantsCandidates = types.has('candidate');
    this.streams.add(stream);
    if (wantsTxs && this.txStreams++ === 0) this.mods.mempool.on('accepted', this.onTx);
    if (wantsCandidates && this.candidateStreams++ === 0) this.mods.chain.on('candidate', this.onCandidate);
    raw.on('close', () => {
      this.streams.delete(stream);
      if (wantsTxs && --this.txStreams === 0) this.mods.mempool.off('accepted', this.onTx);
      if (wantsCandidates && --this.candidateStreams === 0)
        this.mods.chain.off('candidate', this.onCandidate);
    });
    this.pump(stream);
    return stream;
  }

  /** Ends every stream and lets go of the chain and the mempool. */
  stop(): void {
    for (const stream of this.streams) stream.close();
    this.mods.chain.off('connected', this.onBlock);
    this.mods.chain.off('disconnected', this.onBlock);
    this.mods.chain.off('reorged', this.onReorg);
    this.mods.mempool.off('accepted', this.onTx);
    this.mods.chain.off('candidate', this.onCandidate);
  }

  private readonly onBlock = (): void => {
    this.queuePump();
  };

  private readonly onReorg = (): void => {
    for (const stream of this.streams) stream.onReorg();
    this.queuePump();
  };

  private readonly onTx = (entry: MempoolEntry): void => {
    for (const stream of this.streams) stream.onTx(entry.idHex);
    this.queuePump();
  };

  /** One event for every stream: the draw is read (or computed) once, not per client. */
  private readonly onCandidate = (key: KeyEntry): void => {
    const event = this.candidateEvent(key);
    for (const stream of this.streams) stream.onCandidate(event);
    this.queuePump();
  };

  /** A candidate with its §5.2 draw: the five slots' validator addresses (null if the draw cannot be read). */
  private candidateEvent(key: KeyEntry): SseEvent {
    let slots: string[] | null = null;
    try {
      slots = this.mods.chain.drawOf(key).map((account) => encodeAddress(this.mods.hrp, account));
    } catch (error) {
      // Its parent's branch failed to connect: the candidate can never activate; the event still says it came.
      if (!(error instanceof RuleError)) throw error;
    }
    return {
      event: 'candidate',
      data: {
        type: 'candidate',
        id: key.hex,
        height: Number(key.keyHeight),
        prev: toHex(key.block.header.prev),
        slots,
      },
    };
  }

  /** One pump of every stream per burst of events: a reorg reports many blocks at once. */
  private queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      for (const stream of this.streams) this.pump(stream);
    });
  }

  private pump(stream: EventStream): void {
    stream.pump();
    if (stream.buffered > 0) this.enforceTotal();
  }

  /** Past the node-wide bound, drops the streams holding the most until under it. */
  private enforceTotal(): void {
    let total = 0;
    for (const s of this.streams) total += s.buffered;
    if (total <= this.opts.maxBufferedBytes) return;
    const bySize = [...this.streams].sort((a, b) => b.buffered - a.buffered);
    for (const s of bySize) {
      if (total <= this.opts.maxBufferedBytes) break;
      total -= s.buffered;
      this.mods.logger.warn({ buffered: s.buffered }, 'dropping the event stream holding the most unread');
      s.close();
    }
  }
}
