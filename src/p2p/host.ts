// The libp2p host: TCP, Noise, Yamux, identify, ping and gossipsub with every
// limit set explicitly (§10.1: the defaults are unbounded and never penalise
// invalid messages). Banned peers are refused by the connection gater in both
// directions; the gater also asks the slot policy (slots.ts) about each inbound
// peer once it has said who it is.
import '../polyfill.js';
import { gossipsub, type GossipSub, type GossipsubOpts } from '@chainsafe/libp2p-gossipsub';
import { createTopicScoreParams } from '@chainsafe/libp2p-gossipsub/score';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { MultiaddrConnection, PeerId, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { createLibp2p } from 'libp2p';
import { DEFAULT_MAX_PEERS_PER_IP } from './slots.js';
import { MAX_TRANSMIT_BYTES, MessageIds, TOPIC_KINDS, topicName, type TopicKind } from './topics.js';
import type { NetworkName } from '../protocol/params.js';
import { toHex } from '../util/bytes.js';

/** Inbound streams open at once on one connection (yamux's default: 1,000). */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 32;
/**
 * Streams over that limit one connection may try to open before it is cut off
 * (decision 104): yamux resets each at its first frame but reads on, and a
 * burst of 1,000 kept the event loop busy for ~120 ms. An honest peer never
 * opens more than the limit at once.
 */
export const STREAM_FLOOD_CUTOFF = 64;

/** The yamux internals the flood guard reads: the count of open inbound streams, and the hook for new ones. */
interface YamuxInternals {
  numInboundStreams: number;
  incomingStream: (id: number) => void;
  abort: (error: Error) => void;
}

/**
 * yamux with a connection cut off once its peer has tried STREAM_FLOOD_CUTOFF
 * streams past the limit: aborting the muxer stops it reading the rest of the
 * burst. (yamux 7 has no option for this; if its internals change, the guard
 * steps aside and the plain limit still holds.)
 */
function yamuxCuttingStreamFloods(): ReturnType<typeof yamux> {
  const make = yamux({ maxInboundStreams: MAX_INBOUND_STREAMS_PER_CONNECTION });
  return (components) => {
    const factory = make(components);
    return {
      protocol: factory.protocol,
      createStreamMuxer(init) {
        const muxer = factory.createStreamMuxer(init);
        const internals = muxer as unknown as Partial<YamuxInternals>;
        const incoming = internals.incomingStream?.bind(muxer);
        if (incoming === undefined || typeof internals.numInboundStreams !== 'number') return muxer;
        let over = 0;
        internals.incomingStream = (id: number): void => {
          if (
            internals.numInboundStreams! >= MAX_INBOUND_STREAMS_PER_CONNECTION &&
            ++over > STREAM_FLOOD_CUTOFF
          ) {
            internals.abort?.(new Error(`stream flood: ${over} streams past the limit`));
            return;
          }
          incoming(id);
        };
        return muxer;
      },
    };
  };
}

export interface HostOptions {
  readonly network: NetworkName;
  readonly privateKey: PrivateKey;
  /** Multiaddrs to listen on; empty: dial out only. */
  readonly listen: readonly string[];
  readonly maxPeers: number;
  readonly isBanned: (peer: string) => boolean;
  /**
   * Whether to refuse an inbound peer at `ip` now that it has proved its id,
   * before it gets a muxer (slots.ts); absent: none refused.
   */
  readonly refuseInbound?: (peer: string, ip: string) => boolean;
  /** The per-IP inbound limit (0: none), which gossipsub's IP colocation threshold follows. */
  readonly maxPeersPerIp?: number;
  /** Single addresses on the operator's allow-list: exempt from gossipsub's IP colocation penalty. */
  readonly allowedIps?: readonly string[];
}

/**
 * Connections libp2p accepts beyond --max-peers: an inbound connection past
 * the limit must reach the slot policy, which evicts another peer for it or
 * hangs up on it; libp2p itself would refuse it unseen.
 */
export const ADMISSION_HEADROOM = 8;
/**
 * How long gossipsub keeps a departed peer's score (ms). A negative score
 * then meets the peer again if it reconnects sooner; an invalid message is
 * remembered for 24 h by the ban list anyway (decision 99).
 */
export const RETAIN_SCORE_MS = 5 * 60 * 1000;

/** The remote IP address of a connection, or '' for a transport without one. */
export function remoteIp(connection: Pick<MultiaddrConnection, 'remoteAddr'>): string {
  try {
    return connection.remoteAddr.nodeAddress().address;
  } catch {
    return '';
  }
}

export type Host = Awaited<ReturnType<typeof createHostUntyped>>;

/** gossipsub() is typed as a plain PubSub; the instance is a GossipSub (stack-versions.md, gotcha 5). */
export function pubsubOf(host: Host): GossipSub {
  return host.services.pubsub as unknown as GossipSub;
}

/**
 * Per-topic scoring: an invalid message costs far more than any amount of good
 * behaviour earns. The IP colocation penalty is off (decision 99): the per-IP
 * connection limit caps live peers per address, and gossipsub also counts
 * departed peers whose scores it retains, so 20 identities that came and went
 * would graylist an honest peer sharing their address.
 */
function topicScores(
  network: NetworkName,
  maxPeersPerIp: number,
  allowedIps: readonly string[],
): GossipsubOpts['scoreParams'] {
  const weights: Record<TopicKind, number> = { keyblock: 0.5, microblock: 0.5, tx: 0.3, endorsement: 0.3 };
  const topics = Object.fromEntries(
    TOPIC_KINDS.map((kind) => [
      topicName(network, kind),
      createTopicScoreParams({
        topicWeight: weights[kind],
        timeInMeshWeight: 0.01,
        timeInMeshQuantum: 1000,
        timeInMeshCap: 300,
        firstMessageDeliveriesWeight: 1,
        firstMessageDeliveriesDecay: 0.9,
        firstMessageDeliveriesCap: 50,
        // Mesh delivery quotas penalise quiet but honest peers on a chain with idle epochs: off.
        meshMessageDeliveriesWeight: 0,
        meshFailurePenaltyWeight: 0,
        invalidMessageDeliveriesWeight: -100,
        invalidMessageDeliveriesDecay: 0.99,
      }),
    ]),
  );
  return {
    topics,
    topicScoreCap: 50,
    decayInterval: 1000,
    decayToZero: 0.01,
    retainScore: RETAIN_SCORE_MS,
    IPColocationFactorWeight: 0,
    // Inert while the weight is 0; kept equal to the connection limit, so a weight set later
    // penalises only what an allow-listed or unlimited address brings beyond it.
    IPColocationFactorThreshold: Math.max(1, maxPeersPerIp),
    IPColocationFactorWhitelist: new Set(allowedIps),
  };
}

export async function createHost(opts: HostOptions): Promise<Host> {
  return createHostUntyped(opts);
}

async function createHostUntyped(opts: HostOptions) {
  const ids = new MessageIds();
  const denied = (peer: PeerId): boolean => opts.isBanned(peer.toString());
  const refuseInbound = opts.refuseInbound ?? (() => false);
  const host = await createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: [...opts.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // Streams a peer may hold open on one connection, over all protocols: the muxer resets the next
    // one at its first frame, before any protocol negotiation (reqresp.ts limits each protocol further),
    // and cuts the connection off when a peer keeps trying.
    streamMuxers: [yamuxCuttingStreamFloods()],
    connectionManager: {
      maxConnections: opts.maxPeers + ADMISSION_HEADROOM,
      maxIncomingPendingConnections: 16,
    },
    connectionGater: {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: (peer, connection) =>
        denied(peer) || refuseInbound(peer.toString(), remoteIp(connection)),
      denyOutboundEncryptedConnection: denied,
      // Tests and small networks run on loopback and private addresses.
      denyDialMultiaddr: () => false,
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        emitSelf: false,
        // Payloads authenticate themselves (§10.1): no libp2p signatures, ids from the content.
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: (msg) => ids.of(msg.data),
        fastMsgIdFn: (msg) => toHex(ids.of(msg.data ?? new Uint8Array())),
        asyncValidation: true,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        maxInboundDataLength: MAX_TRANSMIT_BYTES,
        maxOutboundBufferSize: 16 * MAX_TRANSMIT_BYTES,
        allowedTopics: TOPIC_KINDS.map((kind) => topicName(opts.network, kind)),
        decodeRpcLimits: {
          maxSubscriptions: TOPIC_KINDS.length * 2,
          maxMessages: 64,
          maxIhaveMessageIDs: 5000,
          maxIwantMessageIDs: 5000,
          maxIdontwantMessageIDs: 5000,
          maxControlMessages: 64,
          maxPeerInfos: 16,
        },
        scoreParams: topicScores(
          opts.network,
          opts.maxPeersPerIp ?? DEFAULT_MAX_PEERS_PER_IP,
          opts.allowedIps ?? [],
        ),
        scoreThresholds: { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 },
      }),
    },
  });
  return host;
}

/**
 * Stops the host and the two timers libp2p 2.10 and gossipsub 14.1 leave armed
 * (stack-versions.md, "Clean exit"), so the process can exit at once.
 */
export async function stopHost(host: Host): Promise<void> {
  const status = (host.services.pubsub as unknown as { status?: { heartbeatTimeout?: NodeJS.Timeout } })
    .status;
  if (status?.heartbeatTimeout !== undefined) clearTimeout(status.heartbeatTimeout);
  await host.stop();
  const addressManager = (
    host as unknown as {
      components?: { addressManager?: { _updatePeerStoreAddresses?: { stop?: () => void } } };
    }
  ).components?.addressManager;
  addressManager?._updatePeerStoreAddresses?.stop?.();
}
