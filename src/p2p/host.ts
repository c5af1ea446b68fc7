// The libp2p host: TCP, Noise, Yamux, identify, ping and gossipsub with every
// limit set explicitly (§10.1: the defaults are unbounded and never penalise
// invalid messages). Banned peers are refused by the connection gater in both
// directions.
import '../polyfill.js';
import { gossipsub, type GossipSub, type GossipsubOpts } from '@chainsafe/libp2p-gossipsub';
import { createTopicScoreParams } from '@chainsafe/libp2p-gossipsub/score';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import type { Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { MAX_TRANSMIT_BYTES, TOPIC_KINDS, messageId, topicName, type TopicKind } from './topics.js';
import type { NetworkName } from '../protocol/params.js';
import { toHex } from '../util/bytes.js';

export interface HostOptions {
  readonly network: NetworkName;
  readonly privateKey: PrivateKey;
  /** Multiaddrs to listen on; empty: dial out only. */
  readonly listen: readonly string[];
  readonly maxPeers: number;
  readonly isBanned: (peer: string) => boolean;
  /** Whether to refuse an inbound connection of a peer not banned (its address is discouraged). */
  readonly refuseInbound?: (peer: PeerId, remote: Multiaddr) => boolean;
}

export type Host = Awaited<ReturnType<typeof createHostUntyped>>;

/** gossipsub() is typed as a plain PubSub; the instance is a GossipSub (stack-versions.md, gotcha 5). */
export function pubsubOf(host: Host): GossipSub {
  return host.services.pubsub as unknown as GossipSub;
}

/** Per-topic scoring: an invalid message costs far more than any amount of good behaviour earns. */
function topicScores(network: NetworkName): GossipsubOpts['scoreParams'] {
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
  return { topics, topicScoreCap: 50, decayInterval: 1000, decayToZero: 0.01, retainScore: 3_600_000 };
}

export async function createHost(opts: HostOptions): Promise<Host> {
  return createHostUntyped(opts);
}

async function createHostUntyped(opts: HostOptions) {
  const denied = (peer: PeerId): boolean => opts.isBanned(peer.toString());
  const host = await createLibp2p({
    privateKey: opts.privateKey,
    addresses: { listen: [...opts.listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: opts.maxPeers, maxIncomingPendingConnections: 16 },
    connectionGater: {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: (peer, conn) =>
        denied(peer) || (opts.refuseInbound?.(peer, conn.remoteAddr) ?? false),
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
        msgIdFn: (msg) => messageId(msg.data),
        fastMsgIdFn: (msg) => toHex(messageId(msg.data ?? new Uint8Array())),
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
        scoreParams: topicScores(opts.network),
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
