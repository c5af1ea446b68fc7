// What the ban and discouragement tests share: GET /peers with the fields
// they read, a node restarted on its own data dir, transactions whose
// signatures do not verify, and a gossip flood as fast as a peer can send it.
import { RPC } from '@chainsafe/libp2p-gossipsub/message';
import { peerIdFromString } from '@libp2p/peer-id';
import { byteStream } from 'it-byte-stream';
import { topicName, type TopicKind } from '../../src/p2p/topics.js';
import { encodeTx } from '../../src/protocol/tx.js';
import { getJson, startNetNode, until, type NetNode, type Owner } from './network.js';
import { dialNode, type TestPeer } from './test-peer.js';
import { transfer } from './txs.js';

export interface TopicCounts {
  readonly accepted: number;
  readonly ignored: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly purged: number;
  readonly queued: number;
}

/** GET /peers, the parts about bans. */
export interface BansView {
  readonly peers: readonly { readonly id: string }[];
  readonly banned: readonly {
    readonly peer: string;
    readonly address: string | null;
    readonly until: number;
    readonly reason: string;
  }[];
  readonly discouraged: readonly {
    readonly address: string;
    readonly bans: number;
    readonly until: number;
  }[];
  readonly disconnected: readonly {
    readonly peer: string;
    readonly reason: string;
    readonly detail: string | null;
  }[];
  readonly gossip: { readonly tx: TopicCounts };
}

export const bansOf = (node: NetNode): Promise<BansView> => getJson<BansView>(`${node.url}/peers`);

/** Messages the node has validated on a topic: every verdict, not the ones turned away unjudged. */
export const validated = (c: TopicCounts): number => c.accepted + c.ignored + c.rejected;

/** Stops `node` with SIGTERM (a clean stop: 'node stopped') and starts it again on the same data dir. */
export async function restart(owner: Owner, node: NetNode, args: readonly string[] = []): Promise<NetNode> {
  node.proc.kill('SIGTERM');
  const exit = await node.proc.exited;
  if (exit.code !== 0) throw new Error(`the node exited with ${exit.code ?? exit.signal}, not 0`);
  return startNetNode(owner, args, node.datadir);
}

/**
 * `count` distinct transfers from the faucet, all with nonce 0 and a relayable
 * fee, each carrying the signature of another transfer (nonce 1, 2, …): well
 * formed, passing fee policy and state (the mempool checks them before the
 * signature), and not one
 * signature verifies (§2.3 `bad-signature`, a REJECT).
 */
export function badSignatureTxs(count: number): Uint8Array[] {
  const fee = 10n ** 11n * 200n; // over the min relay fee: the mempool checks fees before signatures
  const first = transfer(new Uint8Array(20).fill(0x77), 1n, { nonce: 0n, fee });
  return Array.from({ length: count }, (_, i) => {
    const donor = transfer(new Uint8Array(20).fill(0x77), 1n, { nonce: BigInt(i + 1), fee });
    return encodeTx({ ...first, signature: donor.signature });
  });
}

/** `bytes` behind its length as an unsigned LEB128 varint: how gossipsub frames an RPC. */
function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  prefix.push(n);
  return Buffer.concat([Uint8Array.from(prefix), bytes]);
}

/** Messages in one gossipsub RPC: the most the node decodes (host.ts, decodeRpcLimits.maxMessages). */
const MESSAGES_PER_RPC = 64;

/**
 * Sends `messages` on a topic to `node` the way a hostile client would, not
 * the way gossipsub's publish does (one RPC each, written as they come): on a
 * gossipsub stream of its own, 64 messages to an RPC and every RPC in one
 * write, so they reach the node as fast as it can read them.
 */
export async function flood(
  peer: TestPeer,
  node: Pick<NetNode, 'peerId'>,
  kind: TopicKind,
  messages: readonly Uint8Array[],
): Promise<void> {
  const stream = await peer.host.dialProtocol(peerIdFromString(node.peerId), [
    '/meshsub/1.2.0',
    '/meshsub/1.1.0',
  ]);
  const topic = topicName('regtest', kind);
  const rpcs: Uint8Array[] = [];
  for (let at = 0; at < messages.length; at += MESSAGES_PER_RPC) {
    const batch = messages.slice(at, at + MESSAGES_PER_RPC).map((data) => ({ topic, data }));
    rpcs.push(lengthPrefixed(RPC.encode({ subscriptions: [], messages: batch })));
  }
  await byteStream(stream).write(Buffer.concat(rpcs), { signal: AbortSignal.timeout(10_000) });
}

/**
 * Dials `node` until it lets `peer` in (libp2p refuses more than 5 inbound
 * connections a second from one address, which a test from 127.0.0.1 can reach).
 */
export async function dialIn(peer: TestPeer, node: NetNode): Promise<void> {
  await until(10_000, `${peer.id} dials in`, async () => {
    try {
      await dialNode(peer, node);
      return true;
    } catch {
      return false;
    }
  });
}
