// Gossip (PROTOCOL.md §10.2): each message is size-checked, decoded and
// validated, and the verdict is reported to gossipsub — ACCEPT relays it,
// IGNORE drops it quietly, REJECT drops it and costs the sender score. A
// RuleError becomes a verdict in one place (verdictFor); anything else is our
// bug. Validation runs from bounded per-topic queues, a quarter of each per
// peer; what overflows is IGNOREd and counted. A banned peer's messages are
// never validated: what it has queued is dropped the moment it is banned, what
// still arrives is dropped on arrival, IGNOREd and counted as `purged`.
import { TopicValidatorResult } from '@libp2p/interface';
import type { AddOptions, AddResult, AnyBlock, Chain } from '../chain/chain.js';
import {
  checkEndorsement,
  endorsementVerdict,
  type ActivityParams,
  type EndorsedSlot,
} from '../consensus/activity.js';
import { decodeEndorsement, type Endorsement } from '../protocol/endorsement.js';
import { RuleError } from '../protocol/errors.js';
import { decodeKeyBlock } from '../protocol/key-block.js';
import { decodeMicroblock } from '../protocol/microblock.js';
import type { NetworkName } from '../protocol/params.js';
import { decodeTx, type Tx } from '../protocol/tx.js';
import type { Logger } from '../util/logger.js';
import { pubsubOf, type Host } from './host.js';
import type { DecodeGate } from './decode-gate.js';
import { ValidationQueue, type QueuedMessage } from './queue.js';
import {
  TOPIC_KINDS,
  TOPIC_MAX_BYTES,
  TOPIC_OVERSIZE_CODE,
  topicKind,
  topicName,
  type TopicKind,
} from './topics.js';

/** How many messages of each topic may wait for validation; one peer may hold a quarter. */
const QUEUE_LIMITS: Readonly<Record<TopicKind, number>> = {
  keyblock: 256,
  microblock: 64,
  tx: 20_000,
  endorsement: 1024,
};

export interface GossipModules {
  readonly host: Host;
  readonly network: NetworkName;
  readonly addBlock: (block: AnyBlock, options?: AddOptions) => AddResult;
  readonly addTx: (tx: Tx) => unknown;
  readonly logger: Logger;
  readonly isBanned: (peer: string) => boolean;
  /** A peer sent what consensus calls invalid. */
  readonly onInvalid: (peer: string, code: string) => void;
  /** Blocks not worth decoding (decode-gate.ts) are IGNOREd undecoded. */
  readonly decodeGate: Pick<DecodeGate, 'admits'>;
  /** The chain holds `block` as an orphan: the peer knows the ancestors we should fetch. */
  readonly onOrphan: (peer: string, block: AnyBlock) => void;
  /** The chain id and N an endorsement is checked against (§5.3). */
  readonly activity: ActivityParams;
  /** The waiting candidate an endorsement names, its draw and whether its prev is on our best chain. */
  readonly endorsementTarget: Chain['endorsementTarget'];
  /** Whether the node already holds an endorsement of (key block, index): a duplicate is IGNOREd (§10.2). */
  readonly hasEndorsement: (keyBlockId: Uint8Array, index: number) => boolean;
  /** A valid new endorsement, ACCEPTed and relayed: the node keeps it for the leader. */
  readonly onEndorsement: (endorsement: Endorsement, slot: EndorsedSlot) => void;
}

export interface GossipCounters {
  accepted: number;
  ignored: number;
  rejected: number;
  /** Turned away unjudged: the topic's queue, or the sender's share of it, was full. */
  dropped: number;
  /** Turned away unjudged: the sender was banned. */
  purged: number;
}

/** The counters, and how many messages wait for validation now. */
export type GossipCounts = Readonly<GossipCounters> & { readonly queued: number };

export function verdictFor(error: unknown): TopicValidatorResult {
  if (!(error instanceof RuleError)) throw error; // our bug: on to the error log
  return error.gossip === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore;
}

export class GossipRelay {
  readonly counters: Record<TopicKind, GossipCounters> = Object.fromEntries(
    TOPIC_KINDS.map((kind) => [kind, { accepted: 0, ignored: 0, rejected: 0, dropped: 0, purged: 0 }]),
  ) as Record<TopicKind, GossipCounters>;
  private readonly queues = new Map<TopicKind, ValidationQueue>(
    TOPIC_KINDS.map((kind) => [kind, new ValidationQueue(QUEUE_LIMITS[kind])]),
  );
  private scheduled = false;
  private stopped = false;

  constructor(private readonly mods: GossipModules) {}

  start(): void {
    const pubsub = pubsubOf(this.mods.host);
    for (const kind of TOPIC_KINDS) pubsub.subscribe(topicName(this.mods.network, kind));
    pubsub.addEventListener('gossipsub:message', (event) => {
      const { msgId, propagationSource, msg } = event.detail;
      const kind = topicKind(this.mods.network, msg.topic);
      const peer = propagationSource.toString();
      if (kind !== undefined && this.mods.isBanned(peer)) {
        // In flight when we hung up: never validated.
        this.counters[kind].purged++;
        this.report(msgId, peer, TopicValidatorResult.Ignore);
        return;
      }
      if (kind === undefined) {
        this.report(msgId, peer, TopicValidatorResult.Reject);
        return;
      }
      // [REJECT] Over the topic's size: dropped before any decoding (§10.2).
      if (msg.data.length > TOPIC_MAX_BYTES[kind]) {
        this.finish(
          kind,
          { msgId, peer, data: msg.data },
          TopicValidatorResult.Reject,
          TOPIC_OVERSIZE_CODE[kind],
        );
        return;
      }
      if (!this.queues.get(kind)!.push({ msgId, peer, data: msg.data })) {
        this.counters[kind].dropped++;
        this.report(msgId, peer, TopicValidatorResult.Ignore);
        return;
      }
      this.schedule();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  counts(): Record<TopicKind, GossipCounts> {
    return Object.fromEntries(
      TOPIC_KINDS.map((kind) => [kind, { ...this.counters[kind], queued: this.queues.get(kind)!.length }]),
    ) as Record<TopicKind, GossipCounts>;
  }

  /** `peer` was banned: its queued messages, on every topic, are IGNOREd unvalidated. */
  dropPeer(peer: string): void {
    for (const kind of TOPIC_KINDS) {
      const dropped = this.queues.get(kind)!.dropPeer(peer);
      this.counters[kind].purged += dropped.length;
      for (const item of dropped) this.report(item.msgId, item.peer, TopicValidatorResult.Ignore);
    }
  }

  /** Publishes our own message; with no peers that is normal, not an error. */
  async publish(kind: TopicKind, data: Uint8Array): Promise<void> {
    if (this.stopped) return;
    try {
      await pubsubOf(this.mods.host).publish(topicName(this.mods.network, kind), data);
    } catch (error) {
      this.mods.logger.debug({ err: error, kind }, 'publish failed');
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** Validates for up to ~20 ms, then yields so the node keeps serving. */
  private drain(): void {
    const started = performance.now();
    for (const kind of TOPIC_KINDS) {
      const queue = this.queues.get(kind)!;
      while (queue.length > 0 && performance.now() - started < 20) {
        const item = queue.shift();
        if (item === undefined) break;
        const [verdict, code] = this.validate(kind, item.data, item.peer);
        this.finish(kind, item, verdict, code);
      }
    }
    if (TOPIC_KINDS.some((kind) => this.queues.get(kind)!.length > 0)) this.schedule();
  }

  private validate(
    kind: TopicKind,
    data: Uint8Array,
    peer: string,
  ): [TopicValidatorResult, string | undefined] {
    try {
      // [IGNORE] An orphan past its sender's budget, or a microblock the chain would not keep.
      if (!this.mods.decodeGate.admits(peer, kind, data)) return [TopicValidatorResult.Ignore, undefined];
      switch (kind) {
        case 'keyblock':
          return this.block({ kind: 'key', block: decodeKeyBlock(data) }, peer);
        case 'microblock':
          return this.block({ kind: 'micro', block: decodeMicroblock(data) }, peer);
        case 'tx':
          this.mods.addTx(decodeTx(data));
          return [TopicValidatorResult.Accept, undefined];
        case 'endorsement':
          return this.endorsement(data);
      }
    } catch (error) {
      if (!(error instanceof RuleError)) {
        this.mods.logger.error(
          { err: error, kind },
          "gossip validation failed: our bug, not the peer's; the message was ignored; report it with this log",
        );
        return [TopicValidatorResult.Ignore, undefined];
      }
      return [verdictFor(error), error.code];
    }
  }

  /**
   * §10.2 for an endorsement: [REJECT] bytes that do not decode; [IGNORE] one
   * of a key block that is not a waiting candidate (unknown, off the
   * candidates, already activated) and a (key block, index) already held; a
   * failed check is REJECT when the candidate's prev is on our best chain,
   * else the failure's own verdict (endorsementVerdict); a valid new one is
   * ACCEPTed and handed to the node.
   */
  private endorsement(data: Uint8Array): [TopicValidatorResult, string | undefined] {
    const endorsement = decodeEndorsement(data); // [REJECT] bad-encoding / oversize
    const target = this.mods.endorsementTarget(endorsement.keyBlockId);
    if (target === undefined) return [TopicValidatorResult.Ignore, undefined];
    if (this.mods.hasEndorsement(endorsement.keyBlockId, endorsement.index)) {
      return [TopicValidatorResult.Ignore, undefined];
    }
    let slot: EndorsedSlot;
    try {
      slot = checkEndorsement(endorsement, target.key.id, target.slotOwners, this.mods.activity);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const verdict = endorsementVerdict(error, target.prevOnBestChain);
      return [verdict === 'reject' ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore, error.code];
    }
    this.mods.onEndorsement(endorsement, slot);
    return [TopicValidatorResult.Accept, undefined];
  }

  private block(block: AnyBlock, peer: string): [TopicValidatorResult, string | undefined] {
    const result = this.mods.addBlock(block, { unsolicited: true });
    if (result === 'orphan') {
      // [IGNORE] Unknown parent: queued in the chain's orphan pool; fetch it by id from the sender (§10.2).
      this.mods.onOrphan(peer, block);
      return [TopicValidatorResult.Ignore, undefined];
    }
    // [IGNORE] A duplicate, incl. a further copy of an equivocation, or a side-branch microblock
    // past the side-branch budgets: neither is relayed.
    if (result === 'duplicate' || result === 'unkept') return [TopicValidatorResult.Ignore, undefined];
    return [TopicValidatorResult.Accept, undefined];
  }

  private finish(
    kind: TopicKind,
    item: QueuedMessage,
    verdict: TopicValidatorResult,
    code: string | undefined,
  ): void {
    const counters = this.counters[kind];
    if (verdict === TopicValidatorResult.Accept) counters.accepted++;
    else if (verdict === TopicValidatorResult.Ignore) counters.ignored++;
    else counters.rejected++;
    this.report(item.msgId, item.peer, verdict);
    if (verdict === TopicValidatorResult.Reject) this.mods.onInvalid(item.peer, code ?? 'invalid');
  }

  private report(msgId: string, peer: string, verdict: TopicValidatorResult): void {
    if (this.stopped) return;
    // The source must be a string: a PeerId object silently loses the penalty (stack-versions.md, gotcha 5).
    pubsubOf(this.mods.host).reportMessageValidationResult(msgId, peer, verdict);
  }
}
