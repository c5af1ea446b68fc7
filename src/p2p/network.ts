// The node's network: the libp2p host, gossip, request/response, sync, the
// fetching of unknown parents and the ban list, started and stopped together.
// New peers get the status handshake (a different genesis is disconnected); a
// peer that sends what consensus calls invalid is disconnected and banned.
// Each new connection is checked against the slot policy (slots.ts).
import type { Connection, PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { AddOptions, AddResult, AnyBlock, Chain } from '../chain/chain.js';
import { encodeKeyBlock, type KeyBlock } from '../protocol/key-block.js';
import { encodeMicroblock, type Microblock } from '../protocol/microblock.js';
import type { EndorsedSlot } from '../consensus/activity.js';
import { encodeEndorsement, type Endorsement } from '../protocol/endorsement.js';
import { NETWORKS, type NetworkName, type NetworkParams } from '../protocol/params.js';
import { encodeTx, type Tx } from '../protocol/tx.js';
import type { Logger } from '../util/logger.js';
import {
  BanList,
  MAX_BANS,
  ipOf,
  roomForDiscouraged,
  type Ban,
  type BanStore,
  type Discouraged,
} from './bans.js';
import { DisconnectLog, type Disconnect } from './disconnects.js';
import { GossipRelay, type GossipCounts } from './gossip.js';
import { createHost, pubsubOf, remoteIp, stopHost, type Host } from './host.js';
import { DecodeGate } from './decode-gate.js';
import { ParentFetcher } from './parents.js';
import { ReqResp } from './reqresp.js';
import { Syncer, type SyncProgress } from './sync.js';
import {
  DEFAULT_MAX_PEERS_PER_IP,
  afterOpen,
  allowList,
  parseAllowEntry,
  refuseInbound as slotRefusal,
  type SlotConnection,
  type SlotOptions,
  type Standing,
} from './slots.js';
import { TOPIC_KINDS, topicKind, topicName, type TopicKind } from './topics.js';
import { DEFAULT_BOOTSTRAP_STAKE, type Status } from './wire.js';
import { equalBytes } from '../util/bytes.js';

export interface NetworkOptions {
  readonly network: NetworkName;
  readonly privateKey: PrivateKey;
  readonly listen: readonly string[];
  readonly bootstrap: readonly string[];
  readonly maxPeers: number;
  /** Inbound peers per IP address (0: no limit); DEFAULT_MAX_PEERS_PER_IP when left out. */
  readonly maxPeersPerIp?: number;
  /** Addresses and CIDR ranges exempt from the per-IP limit and from eviction. */
  readonly allowIps?: readonly string[];
  readonly banMs: number;
  readonly stallMs: number;
}

export interface NetworkModules {
  readonly chain: Pick<
    Chain,
    'tip' | 'get' | 'keyAt' | 'epochBlocks' | 'storedBytes' | 'worthDecoding' | 'endorsementTarget'
  >;
  /**
   * The params this node runs with (NETWORKS[network] when left out): the
   * endorsement checks read its chain id and N, the status handshake its
   * BOOTSTRAP_MIN_VALIDATOR_STAKE (§1.2: a regtest start value that must match).
   */
  readonly params?: NetworkParams;
  /** Whether the node holds an endorsement of (key block, index); none when left out. */
  readonly hasEndorsement?: (keyBlockId: Uint8Array, index: number) => boolean;
  /** A valid new endorsement arrived by gossip (§10.2 ACCEPT). */
  readonly onEndorsement?: (endorsement: Endorsement, slot: EndorsedSlot) => void;
  readonly genesisId: Uint8Array;
  readonly addBlock: (block: AnyBlock, options?: AddOptions) => AddResult;
  readonly addTx: (tx: Tx) => unknown;
  readonly logger: Logger;
  readonly now: () => number;
  /** Keeps bans across restarts; without it they last as long as the process. */
  readonly banStore?: BanStore;
}

export interface PeerInfo {
  readonly id: string;
  readonly addresses: string[];
  readonly direction: 'inbound' | 'outbound';
  readonly tipKeyHeight: number | null;
  readonly chainWork: string | null;
  /**
   * The gossip topics in whose mesh the peer is: what we forward reaches only
   * these (our own messages go to every peer), and a new peer joins at the next
   * heartbeat, within a second.
   */
  readonly mesh: TopicKind[];
  /** Its gossipsub score: below 0 it leaves our meshes, below the graylist threshold we ignore it. */
  readonly score: number;
}

const REDIAL_MS = 5000;
const ANNOUNCE_MS = 1000;
const ORPHAN_HANDSHAKE_MS = 1000;
/** A bootstrap address that keeps failing is warned about again after this many redials (5 min). */
const REWARN_FAILURES = 60;
/** Refusals of one discouraged address are listed at most once a minute, so they cannot push bans out of the list. */
const REFUSAL_RECORD_MS = 60_000;

/** The peer a multiaddr names: its last /p2p/<id> component, or null if it names none. */
export function peerIdOfAddress(address: string): string | null {
  return (
    multiaddr(address)
      .getComponents()
      .filter((c) => c.name === 'p2p')
      .at(-1)?.value ?? null
  );
}

interface Connected {
  readonly direction: 'inbound' | 'outbound';
  readonly address: string;
  readonly sinceMs: number;
}

export class P2pNetwork {
  private readonly statuses = new Map<string, Status>();
  private redialTimer: NodeJS.Timeout | null = null;
  private announceTimer: NodeJS.Timeout | null = null;
  private readonly lastOrphanHandshake = new Map<string, number>();
  private readonly connected = new Map<string, Connected>();
  /** Consecutive failed dials of each bootstrap address, reset when one succeeds. */
  private readonly dialFailures = new Map<string, number>();
  /** When each discouraged address was last listed as refused (cleared past MAX_BANS entries). */
  private readonly refusalRecorded = new Map<string, number>();
  private readonly disconnects: DisconnectLog;
  /** When each connected peer last relayed a new block or transaction to us first (eviction spares them). */
  private readonly relayed = new Map<string, { lastBlockMs: number | null; lastTxMs: number | null }>();
  private readonly slots: SlotOptions;

  private constructor(
    private readonly opts: NetworkOptions,
    private readonly mods: NetworkModules,
    readonly host: Host,
    readonly bans: BanList,
    readonly gossip: GossipRelay,
    readonly reqresp: ReqResp,
    readonly sync: Syncer,
    readonly parents: ParentFetcher,
  ) {
    this.disconnects = new DisconnectLog({ now: mods.now });
    this.slots = {
      maxPeers: opts.maxPeers,
      maxPeersPerIp: opts.maxPeersPerIp ?? DEFAULT_MAX_PEERS_PER_IP,
      exempt: allowList(opts.allowIps ?? []),
      discouraged: (ip) => bans.isDiscouraged(ip),
    };
  }

  static async start(opts: NetworkOptions, mods: NetworkModules): Promise<P2pNetwork> {
    const params = mods.params ?? NETWORKS[opts.network];
    const bans = new BanList(
      { durationMs: opts.banMs },
      mods.banStore === undefined ? { now: mods.now } : { now: mods.now, store: mods.banStore },
    );
    const holder: { network?: P2pNetwork } = {};
    const host = await createHost({
      network: opts.network,
      privateKey: opts.privateKey,
      listen: opts.listen,
      maxPeers: opts.maxPeers,
      isBanned: (peer) => bans.isBanned(peer),
      refuseInbound: (peer, ip) => holder.network?.refuseInbound(peer, ip) ?? false,
      maxPeersPerIp: opts.maxPeersPerIp ?? DEFAULT_MAX_PEERS_PER_IP,
      allowedIps: (opts.allowIps ?? []).filter((raw) => parseAllowEntry(raw)?.prefix === null),
    });
    const onInvalid = (peer: string, code: string): void => {
      holder.network?.punish(peer, code);
    };
    const reqresp = new ReqResp({
      host,
      network: opts.network,
      chain: mods.chain,
      genesisId: mods.genesisId,
      bootstrapStake: params.poa.bootstrapMinValidatorStake,
      logger: mods.logger,
      onStatus: (peer, status) => holder.network?.onStatus(peer, status),
      onInvalid,
    });
    // What the two block fetchers share: where blocks go and whom to blame for bad ones.
    const fetching = {
      chain: mods.chain,
      addBlock: mods.addBlock,
      reqresp,
      peerId: (peer: string) => peerIdFromString(peer),
      logger: mods.logger,
      now: mods.now,
      onInvalid,
    };
    const sync = new Syncer(
      { stallMs: opts.stallMs, undoDepth: NETWORKS[opts.network].undoDepth },
      {
        ...fetching,
        onLying: (peer, detail) => {
          holder.network?.disconnect(peer, 'lying-sync', detail);
        },
      },
    );
    const parents = new ParentFetcher({
      ...fetching,
      fallback: (peer) => {
        holder.network?.orphanFrom(peer);
      },
    });
    const decodeGate = new DecodeGate({
      knows: (id) => mods.chain.get(id) !== undefined,
      worthDecoding: (header, length) => mods.chain.worthDecoding(header, length),
      now: mods.now,
    });
    const gossip = new GossipRelay({
      host,
      decodeGate,
      activity: params,
      endorsementTarget: (id) => mods.chain.endorsementTarget(id),
      hasEndorsement: mods.hasEndorsement ?? (() => false),
      onEndorsement: mods.onEndorsement ?? (() => undefined),
      network: opts.network,
      addBlock: mods.addBlock,
      addTx: mods.addTx,
      logger: mods.logger,
      isBanned: (peer) => bans.isBanned(peer),
      onInvalid,
      onOrphan: (peer, block) => {
        parents.onOrphan(peer, block);
      },
    });
    const network = new P2pNetwork(opts, mods, host, bans, gossip, reqresp, sync, parents);
    holder.network = network;
    await reqresp.start();
    gossip.start();
    host.addEventListener('peer:connect', (event) => {
      network.logConnect(event.detail);
      void network.handshake(event.detail);
    });
    host.addEventListener('connection:open', (event) => {
      network.onConnectionOpen(event.detail);
    });
    pubsubOf(host).addEventListener('gossipsub:message', (event) => {
      network.noteRelay(event.detail.propagationSource.toString(), event.detail.msg.topic);
    });
    host.addEventListener('peer:disconnect', (event) => {
      network.logDisconnect(event.detail);
      network.relayed.delete(event.detail.toString());
      network.statuses.delete(event.detail.toString());
      network.lastOrphanHandshake.delete(event.detail.toString());
      network.sync.removePeer(event.detail.toString());
      network.parents.removePeer(event.detail.toString());
      decodeGate.removePeer(event.detail.toString());
    });
    await host.start();
    network.dialBootstrap();
    network.redialTimer = setInterval(() => {
      network.dialBootstrap();
    }, REDIAL_MS);
    return network;
  }

  get peerId(): string {
    return this.host.peerId.toString();
  }

  /** Our listen addresses with /p2p/<id>: what another node passes to --bootstrap. */
  listenAddresses(): string[] {
    return this.host.getMultiaddrs().map((a) => a.toString());
  }

  peerCount(): number {
    return this.host.getPeers().length;
  }

  peers(): PeerInfo[] {
    const pubsub = pubsubOf(this.host);
    const meshes = new Map(
      TOPIC_KINDS.map((kind) => [kind, new Set(pubsub.getMeshPeers(topicName(this.opts.network, kind)))]),
    );
    return this.host.getConnections().map((connection) => {
      const id = connection.remotePeer.toString();
      const status = this.statuses.get(id);
      return {
        id,
        addresses: [connection.remoteAddr.toString()],
        direction: connection.direction,
        tipKeyHeight: status === undefined ? null : Number(status.tipKeyHeight),
        chainWork: status === undefined ? null : status.chainWork.toString(),
        mesh: TOPIC_KINDS.filter((kind) => meshes.get(kind)!.has(id)),
        score: pubsub.getScore(id),
      };
    });
  }

  /** Connects to a peer now (the admin route POST /peers); a banned peer is refused. */
  async connect(address: string): Promise<string> {
    const target = multiaddr(address);
    const connection = await this.host.dial(target, { signal: AbortSignal.timeout(10_000) });
    return connection.remotePeer.toString();
  }

  banned(): Ban[] {
    return this.bans.list();
  }

  /** Addresses with several peers banned: taken in only while slots are free (bans.ts). */
  discouraged(): Discouraged[] {
    return this.bans.discouraged();
  }

  /** Whether `ip` is discouraged: for choosing which connection to let go when slots run out. */
  isDiscouraged(ip: string): boolean {
    return this.bans.isDiscouraged(ip);
  }

  /** The last disconnects we chose, with why, newest last. */
  disconnected(): readonly Disconnect[] {
    return this.disconnects.list();
  }

  /** Hangs up on `peer` and remembers why (GET /peers). */
  disconnect(peer: string, reason: string, detail: string | null = null): void {
    this.disconnects.record(peer, reason, detail);
    void this.host.hangUp(peerIdFromString(peer)).catch(() => undefined);
  }

  gossipCounters(): Record<string, GossipCounts> {
    return this.gossip.counts();
  }

  syncProgress(): SyncProgress {
    return this.sync.progress();
  }

  /**
   * Our tip moved by other means than gossip (a sync, a reorg): tell every peer
   * our status at most once a second, so peers that only gossip new blocks
   * still learn of a chain they should fetch.
   */
  announceTip(): void {
    if (this.announceTimer !== null) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      for (const peer of this.host.getPeers()) void this.handshake(peer);
    }, ANNOUNCE_MS);
  }

  publishKeyBlock(block: KeyBlock): void {
    void this.gossip.publish('keyblock', encodeKeyBlock(block));
  }

  publishMicroblock(block: Microblock): void {
    void this.gossip.publish('microblock', encodeMicroblock(block));
  }

  publishTx(tx: Tx): void {
    void this.gossip.publish('tx', encodeTx(tx));
  }

  /** Our own validator's endorsement (§5.3). */
  publishEndorsement(endorsement: Endorsement): void {
    void this.gossip.publish('endorsement', encodeEndorsement(endorsement));
  }

  async stop(): Promise<void> {
    if (this.redialTimer !== null) clearInterval(this.redialTimer);
    if (this.announceTimer !== null) clearTimeout(this.announceTimer);
    this.sync.stop();
    this.parents.stop();
    this.gossip.stop();
    await stopHost(this.host);
  }

  private dialBootstrap(): void {
    const connected = new Set(this.host.getPeers().map((p) => p.toString()));
    for (const address of this.opts.bootstrap) {
      const peer = peerIdOfAddress(address);
      if (peer !== null && (connected.has(peer) || this.bans.isBanned(peer))) continue;
      this.host.dial(multiaddr(address)).then(
        () => {
          this.dialFailures.delete(address);
        },
        (error: unknown) => {
          this.onDialFailed(address, error);
        },
      );
    }
  }

  /**
   * The first failed dial of a bootstrap address is a warning (nothing listening,
   * a wrong peer id), repeated every 5 minutes while it keeps failing; the redials
   * in between are at debug level.
   */
  private onDialFailed(address: string, error: unknown): void {
    const failures = (this.dialFailures.get(address) ?? 0) + 1;
    this.dialFailures.set(address, failures);
    const reason = error instanceof Error ? error.message : String(error);
    if (failures === 1 || failures % REWARN_FAILURES === 0) {
      this.mods.logger.warn(
        { address, failures, reason, retryS: REDIAL_MS / 1000 },
        'cannot reach a bootstrap peer: is a node listening there, with this peer id? Retrying',
      );
    } else {
      this.mods.logger.debug({ address, failures, reason }, 'bootstrap dial failed');
    }
  }

  private logConnect(peer: PeerId): void {
    const id = peer.toString();
    const connection = this.host.getConnections(peer)[0];
    const info: Connected = {
      direction: connection?.direction ?? 'outbound',
      address: connection?.remoteAddr.toString() ?? '',
      sinceMs: this.mods.now(),
    };
    this.connected.set(id, info);
    for (const address of this.opts.bootstrap) {
      if (peerIdOfAddress(address) === id) this.dialFailures.delete(address);
    }
    this.mods.logger.info(
      { peer: id, direction: info.direction, address: info.address, peers: this.peerCount() },
      'peer connected',
    );
  }

  private logDisconnect(peer: PeerId): void {
    const id = peer.toString();
    const info = this.connected.get(id);
    this.connected.delete(id);
    this.mods.logger.info(
      {
        peer: id,
        direction: info?.direction,
        address: info?.address,
        connectedS: info === undefined ? undefined : Math.round((this.mods.now() - info.sinceMs) / 1000),
        peers: this.peerCount(),
      },
      'peer disconnected',
    );
  }

  /**
   * Fetching an orphan's ancestors by id from `peer` ended short: ask its status
   * (once a second at most per peer), so range sync takes over if it has more work.
   */
  orphanFrom(peer: string): void {
    const now = this.mods.now();
    if ((this.lastOrphanHandshake.get(peer) ?? 0) + ORPHAN_HANDSHAKE_MS > now) return;
    this.lastOrphanHandshake.set(peer, now);
    void this.handshake(peerIdFromString(peer));
  }

  /**
   * The connection gater's question for an inbound peer that is not banned: a
   * discouraged address is refused unless slots are to spare (bans.ts).
   */
  /** Refuses a discouraged address past the spare room (decision 93); recorded at most once a minute. */
  private refuseDiscouraged(peer: string, ip: string): boolean {
    if (ip === '' || !this.bans.isDiscouraged(ip)) return false;
    if (roomForDiscouraged(this.host.getConnections().length, this.opts.maxPeers)) return false;
    this.mods.logger.debug({ peer, address: ip }, 'refused a discouraged address');
    const now = this.mods.now();
    if ((this.refusalRecorded.get(ip) ?? -Infinity) + REFUSAL_RECORD_MS <= now) {
      if (this.refusalRecorded.size >= MAX_BANS) this.refusalRecorded.clear();
      this.refusalRecorded.set(ip, now);
      this.disconnects.record(peer, 'discouraged', ip);
    }
    return true;
  }

  private async handshake(peer: PeerId): Promise<void> {
    try {
      await this.reqresp.status(peer);
    } catch (error) {
      this.mods.logger.debug({ err: error, peer: peer.toString() }, 'status handshake failed');
    }
  }

  /** Our BOOTSTRAP_MIN_VALIDATOR_STAKE, which a peer's status must match (§1.2). */
  private get bootstrapStake(): bigint {
    return (this.mods.params ?? NETWORKS[this.opts.network]).poa.bootstrapMinValidatorStake;
  }

  private onStatus(peer: string, status: Status): void {
    if (!equalBytes(status.genesisId, this.mods.genesisId)) {
      this.mods.logger.info({ peer }, 'peer is on another chain (different genesis): disconnecting');
      this.disconnect(peer, 'other-genesis');
      return;
    }
    const ours = this.bootstrapStake;
    if ((status.bootstrapStake ?? DEFAULT_BOOTSTRAP_STAKE) !== ours) {
      // §1.2: regtest's BOOTSTRAP_MIN_VALIDATOR_STAKE is a start value every node must share, or
      // the same key block is bootstrap-activated on one node and waits for endorsements on the other.
      const detail = `theirs ${status.bootstrapStake ?? DEFAULT_BOOTSTRAP_STAKE}, ours ${ours}`;
      this.mods.logger.info({ peer, detail }, 'peer runs another bootstrap validator stake: disconnecting');
      this.disconnect(peer, 'bootstrap-stake-mismatch', detail);
      return;
    }
    this.statuses.set(peer, status);
    this.sync.onStatus(peer, status);
  }

  /** The connection gater's question (host.ts): refuse this inbound peer now? Recorded if so. */
  refuseInbound(peer: string, ip: string): boolean {
    if (this.refuseDiscouraged(peer, ip)) return true;
    const refusal = slotRefusal(this.slotConnections(), peer, ip, this.slots);
    if (refusal === null) return false;
    this.mods.logger.debug({ peer, ip, ...refusal }, 'refused an inbound connection');
    this.recordRun(peer, refusal.reason, refusal.detail);
    return true;
  }

  /** Records a refusal once per run: a peer dialling 300 times must not push everything else out of the log. */
  private recordRun(peer: string, reason: string, detail: string): void {
    const last = this.disconnects.list().at(-1);
    if (last?.peer !== peer || last.reason !== reason) this.disconnects.record(peer, reason, detail);
  }

  private onConnectionOpen(connection: Connection): void {
    const connections = this.slotConnections();
    const opened = connections.find((c) => c.id === connection.id);
    if (opened === undefined) return;
    const standing = (peer: string): Standing => this.standing(peer);
    for (const action of afterOpen(connections, opened, this.peerId, standing, this.slots)) {
      this.mods.logger.info({ ...action }, 'freed a connection slot');
      if (action.kind === 'disconnect') {
        this.disconnect(action.peer, action.reason, action.detail);
        continue;
      }
      this.recordRun(action.peer, action.reason, 'a second connection');
      const duplicate = this.host.getConnections().find((c) => c.id === action.connection);
      void duplicate?.close({ signal: AbortSignal.timeout(1000) }).catch((error: unknown) => {
        duplicate.abort(error instanceof Error ? error : new Error(String(error)));
      });
    }
  }

  /** What eviction weighs besides age: the peer's gossipsub score and when it last relayed something new. */
  standing(peer: string): Standing {
    return {
      score: pubsubOf(this.host).getScore(peer),
      ...(this.relayed.get(peer) ?? { lastBlockMs: null, lastTxMs: null }),
    };
  }

  private slotConnections(): SlotConnection[] {
    return this.host
      .getConnections()
      .filter((c) => c.status === 'open')
      .map((c) => ({
        id: c.id,
        peer: c.remotePeer.toString(),
        ip: remoteIp(c),
        direction: c.direction,
        openedMs: c.timeline.open,
      }));
  }

  /** gossipsub hands each message id to us once, from the first peer to deliver it. */
  private noteRelay(peer: string, topic: string): void {
    const kind = topicKind(this.opts.network, topic);
    if (kind === undefined || kind === 'endorsement') return;
    const entry = this.relayed.get(peer) ?? { lastBlockMs: null, lastTxMs: null };
    if (kind === 'tx') entry.lastTxMs = this.mods.now();
    else entry.lastBlockMs = this.mods.now();
    this.relayed.set(peer, entry);
  }

  /** A peer sent what consensus calls invalid: ban it and hang up. */

  /**
   * A peer sent what consensus calls invalid: ban it (counting against its
   * address too), drop the gossip it still has queued unvalidated, hang up.
   */
  punish(peer: string, code: string): void {
    if (this.bans.isBanned(peer)) return;
    const remote = this.host.getConnections(peerIdFromString(peer))[0]?.remoteAddr;
    const address = remote === undefined ? null : ipOf(remote);
    this.bans.ban(peer, code, address);
    this.gossip.dropPeer(peer);
    this.mods.logger.warn(
      { peer, code, address, discouraged: address !== null && this.bans.isDiscouraged(address) },
      'banned a peer for an invalid message',
    );
    this.statuses.delete(peer);
    this.sync.removePeer(peer);
    this.disconnect(peer, 'banned', code);
  }
}
