// A test peer built from the node's own P2P code: the same libp2p host and
// gossipsub configuration (src/p2p/host.ts), so what it publishes reaches a
// node exactly as a real peer's messages would, and the §10.3 codecs, so it can
// answer the status handshake with whatever it likes to claim. Tests use it to
// send crafted bytes, to hold requests unanswered and to answer blocks-by-id
// as they choose.
import { generateKeyPair } from '@libp2p/crypto/keys';
import type { Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { byteStream } from 'it-byte-stream';
import { createHost, pubsubOf, stopHost, type Host } from '../../src/p2p/host.js';
import { protocolName } from '../../src/p2p/reqresp.js';
import { TOPIC_KINDS, topicName, type TopicKind } from '../../src/p2p/topics.js';
import {
  KEY_TIP_SEQ,
  MAX_IDS,
  STATUS_LENGTH,
  decodeIdsRequest,
  encodeStatus,
  frame,
  readFrame,
  type Status,
} from '../../src/p2p/wire.js';
import { NETWORKS, REGTEST, type NetworkName } from '../../src/protocol/params.js';
import { getJson, until, type NetNode, type Owner } from './network.js';

export interface GossipCounts {
  readonly accepted: number;
  readonly ignored: number;
  readonly rejected: number;
  readonly dropped: number;
}

/** GET /peers. */
export interface PeersView {
  readonly peers: readonly {
    readonly id: string;
    readonly addresses: readonly string[];
    readonly direction: string;
    readonly tipKeyHeight: number | null;
    readonly chainWork: string | null;
    readonly mesh: readonly string[];
    readonly score: number;
  }[];
  readonly disconnected: readonly {
    readonly peer: string;
    readonly atMs: number;
    readonly reason: string;
    readonly detail: string | null;
  }[];
  readonly banned: readonly { readonly peer: string; readonly until: number; readonly reason: string }[];
  readonly gossip: Readonly<Record<TopicKind, GossipCounts>>;
}

export const peersOf = (node: NetNode): Promise<PeersView> => getJson<PeersView>(`${node.url}/peers`);

/**
 * Polls until `node` lists `peer` as banned, no longer connected, and among the
 * disconnects it chose for that reason; the ban and the time it took.
 */
export async function banOf(node: NetNode, peer: string): Promise<{ reason: string; ms: number }> {
  let reason = '';
  const ms = await until(5000, `${peer} is banned and hung up`, async () => {
    const view = await peersOf(node);
    reason = view.banned.find((b) => b.peer === peer)?.reason ?? '';
    const logged = view.disconnected.some(
      (d) => d.peer === peer && d.reason === 'banned' && d.detail === reason,
    );
    return reason !== '' && logged && !view.peers.some((p) => p.id === peer);
  });
  return { reason, ms };
}

/** Every gossip message `node` has given a verdict on or dropped, on one topic. */
export async function gossipSeen(node: NetNode, kind: TopicKind): Promise<number> {
  const c = (await peersOf(node)).gossip[kind];
  return c.accepted + c.ignored + c.rejected + c.dropped;
}

export const GENESIS_ID = Uint8Array.from(Buffer.from(REGTEST.genesis.id, 'hex'));

/** What a peer that only has `network`'s genesis block says in the status handshake. */
export function genesisStatus(network: NetworkName): Status {
  const genesisId = Uint8Array.from(Buffer.from(NETWORKS[network].genesis.id, 'hex'));
  return { genesisId, tipId: genesisId, tipKeyHeight: 0n, tipSeq: KEY_TIP_SEQ, chainWork: 0n };
}

export const GENESIS_STATUS: Status = genesisStatus('regtest');

export interface TestPeer {
  readonly host: Host;
  readonly id: string;
  /** The listen multiaddr with /p2p/<id>, for a node's POST /peers or --bootstrap. */
  readonly address: string;
  readonly network: NetworkName;
  /** Publishes `data` on one of the network's topics; resolves to how many peers it was sent to. */
  publish(kind: TopicKind, data: Uint8Array): Promise<number>;
}

/**
 * A listening test peer on 127.0.0.1 of `network` (default regtest) that
 * answers the status handshake with `status` (default: only genesis); stopped at teardown.
 */
export async function startTestPeer(
  owner: Owner,
  status?: Status,
  network: NetworkName = 'regtest',
): Promise<TestPeer> {
  const host = await createHost({
    network,
    privateKey: await generateKeyPair('Ed25519'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    maxPeers: 16,
    isBanned: () => false,
  });
  await host.start();
  owner.teardown(() => stopHost(host));
  await host.handle(protocolName(network, 'status'), ({ stream }) => {
    void answerStatus(stream, status ?? genesisStatus(network));
  });
  const pubsub = pubsubOf(host);
  return {
    host,
    id: host.peerId.toString(),
    address: host.getMultiaddrs()[0]!.toString(),
    network,
    publish: async (kind, data) => (await pubsub.publish(topicName(network, kind), data)).recipients.length,
  };
}

/** The answering side of §10.3 status: read the dialer's status, send ours, close. */
async function answerStatus(stream: Stream, status: Status): Promise<void> {
  const signal = AbortSignal.timeout(10_000);
  const bytes = byteStream(stream);
  try {
    await readFrame(bytes, STATUS_LENGTH, { signal });
    await bytes.write(frame(encodeStatus(status)), { signal });
    await stream.close({ signal });
  } catch (error) {
    stream.abort(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Dials `node` and waits until the node's topic subscriptions have arrived, so
 * a publish reaches it (publishing to no one is not an error in this config).
 */
export async function dialNode(peer: TestPeer, node: Pick<NetNode, 'address' | 'peerId'>): Promise<void> {
  await peer.host.dial(multiaddr(node.address));
  const pubsub = pubsubOf(peer.host);
  await until(10_000, `${node.peerId}'s gossip subscriptions reach the test peer`, async () =>
    TOPIC_KINDS.every((kind) =>
      pubsub.getSubscribers(topicName(peer.network, kind)).some((p) => p.toString() === node.peerId),
    ),
  );
}

/**
 * Makes `peer` accept blocks-by-range requests and never answer them: the
 * stream stays open until the requester gives up. Returns the requests held.
 */
export async function stallRanges(peer: TestPeer): Promise<{ readonly requests: number }> {
  const held = { requests: 0 };
  await peer.host.handle(protocolName(peer.network, 'blocks-by-range'), ({ stream }) => {
    held.requests++;
    // Read the request so the requester's write completes, then say nothing.
    void readFrame(byteStream(stream), 16).catch(() => undefined);
  });
  return held;
}

/**
 * Makes `peer` answer blocks-by-id (§10.3) with `answer(id)` for each id asked,
 * a block message as encodeBlockMessage makes it. Returns the requests, each
 * the list of ids (hex) asked, in order.
 */
export async function serveBlocksById(
  peer: TestPeer,
  answer: (id: string) => Uint8Array,
): Promise<{ readonly asked: string[][] }> {
  const served = { asked: [] as string[][] };
  await peer.host.handle(protocolName(peer.network, 'blocks-by-id'), ({ stream }) => {
    void (async () => {
      const signal = AbortSignal.timeout(10_000);
      const bytes = byteStream(stream);
      try {
        const request = await readFrame(bytes, 1 + MAX_IDS * 32, { signal });
        const ids = decodeIdsRequest(request ?? new Uint8Array()).map((id) =>
          Buffer.from(id).toString('hex'),
        );
        served.asked.push(ids);
        for (const id of ids) await bytes.write(frame(answer(id)), { signal });
        await stream.close({ signal });
      } catch (error) {
        stream.abort(error instanceof Error ? error : new Error(String(error)));
      }
    })();
  });
  return served;
}
