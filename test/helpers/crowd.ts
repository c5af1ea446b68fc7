// Many identities on 127.0.0.1 against one node process: test peers that
// connect and then do nothing, dialled one after another. The node's libp2p
// takes at most 5 new connections a second from one address, so a refused
// dial is tried again until the node lists the peer, or lists why it refused it.
import { setTimeout as delay } from 'node:timers/promises';
import { multiaddr } from '@multiformats/multiaddr';
import type { NetNode, Owner } from './network.js';
import { peersOf, startTestPeer, type PeersView, type TestPeer } from './test-peer.js';

/** `count` test peers, started together. */
export function startIdlePeers(owner: Owner, count: number): Promise<TestPeer[]> {
  return Promise.all(Array.from({ length: count }, () => startTestPeer(owner)));
}

/** The node's connections to `peer` (GET /peers lists each connection). */
export function connectionsOf(view: PeersView, peer: string): number {
  return view.peers.filter((p) => p.id === peer).length;
}

/** The reasons the node gave for hanging up on or refusing `peer`, oldest first. */
export function refusalsOf(view: PeersView, peer: string): string[] {
  return view.disconnected.filter((d) => d.peer === peer).map((d) => d.reason);
}

/**
 * Dials `node` from `peer` until the node lists it as connected (then
 * 'connected') or has refused it for a reason in `refusedFor` (then that
 * reason); fails after `ms`.
 */
export async function dialUntilSettled(
  peer: TestPeer,
  node: NetNode,
  refusedFor: readonly string[] = [],
  ms = 10_000,
): Promise<string> {
  const started = performance.now();
  for (;;) {
    await peer.host.dial(multiaddr(node.address)).catch(() => undefined);
    const view = await peersOf(node);
    if (connectionsOf(view, peer.id) > 0) return 'connected';
    const refused = refusalsOf(view, peer.id).find((r) => refusedFor.includes(r));
    if (refused !== undefined) return refused;
    if (performance.now() - started > ms)
      throw new Error(`${peer.id} neither connected nor refused in ${ms} ms`);
    await delay(200);
  }
}
