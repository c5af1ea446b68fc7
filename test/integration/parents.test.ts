// Unknown parents against a real node process (PROTOCOL.md §10.2 "queue, fetch
// by id", §10.3 blocks-by-id): a scripted test peer gossips a block whose
// ancestors the node lacks and answers only blocks-by-id, so nothing but a
// fetch by id can connect it.
import { test } from 'tap';
import type { AnyBlock } from '../../src/chain/chain.js';
import { KEY_TIP_SEQ, encodeBlockMessage } from '../../src/p2p/wire.js';
import { encodeKeyBlock } from '../../src/protocol/key-block.js';
import { encodeMicroblock } from '../../src/protocol/microblock.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { digest, startNetNode, until } from '../helpers/network.js';
import {
  GENESIS_ID,
  banOf,
  dialNode,
  peersOf,
  serveBlocksById,
  startTestPeer,
} from '../helpers/test-peer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keyBlockBytes(h: ChainHarness, name: string): Uint8Array {
  const block = h.blocks.get(name);
  if (block?.kind !== 'key') throw new Error(`${name} is not a key block`);
  return encodeKeyBlock(block.block);
}

function blockMessage(block: AnyBlock): Uint8Array {
  return block.kind === 'key'
    ? encodeBlockMessage({ kind: 'key', bytes: encodeKeyBlock(block.block) })
    : encodeBlockMessage({ kind: 'micro', bytes: encodeMicroblock(block.block) });
}

test('unknown parent (§10.2): a gossiped key block whose parent and grandparent are missing is connected by fetching them by id from its sender', async (t) => {
  //   g -> k1 -> k2 -> m0 -> k3*     the peer gossips k3; the node has only g
  const peerChain = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  peerChain.key('k1', 'g');
  peerChain.key('k2', 'k1');
  peerChain.micro('m0', 'k2');
  peerChain.key('k3', 'm0');
  const names = ['k1', 'k2', 'm0', 'k3'];
  const byId = new Map(names.map((name) => [peerChain.entry(name).hex, peerChain.blocks.get(name)!]));
  const id = (name: string): string => peerChain.entry(name).hex;
  const tip = peerChain.chain.tip;

  const node = await startNetNode(t);
  // It claims its real tip and work, so the node would range-sync from it if it could: it serves no ranges.
  const peer = await startTestPeer(t, {
    genesisId: GENESIS_ID,
    tipId: tip.id,
    tipKeyHeight: tip.keyHeight,
    tipSeq: KEY_TIP_SEQ,
    chainWork: tip.chainWork,
  });
  const served = await serveBlocksById(peer, (asked) => {
    const block = byId.get(asked);
    return block === undefined ? encodeBlockMessage({ kind: 'unknown' }) : blockMessage(block);
  });
  await dialNode(peer, node);

  t.equal(await peer.publish('keyblock', keyBlockBytes(peerChain, 'k3')), 1);
  await until(10_000, 'the node connects k3', async () => (await digest(node)).tip.id === id('k3'));
  t.same(served.asked, [[id('m0')], [id('k2')], [id('k1')]], 'blocks-by-id for m0, k2, k1 in turn');
  t.same(await digest(node), {
    digest: hex(peerChain.chain.digest()),
    tip: { id: id('k3'), kind: 'key', keyHeight: 3, seq: null },
  });
  t.notOk(
    (await peersOf(node)).banned.some((b) => b.peer === peer.id),
    'no penalty for the orphan',
  );
});

test('bad-encoding: a peer that answers blocks-by-id with another block than the one asked is banned, and that block not stored', async (t) => {
  //   g -> k1 -> k2*      the peer gossips k2, then answers "k1?" with x1, another block on g
  const peerChain = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  peerChain.key('k1', 'g');
  peerChain.key('k2', 'k1');
  peerChain.key('x1', 'g', 0x78);
  const node = await startNetNode(t);
  const peer = await startTestPeer(t);
  const served = await serveBlocksById(peer, () => blockMessage(peerChain.blocks.get('x1')!));
  await dialNode(peer, node);

  t.equal(await peer.publish('keyblock', keyBlockBytes(peerChain, 'k2')), 1);
  t.equal((await banOf(node, peer.id)).reason, 'bad-encoding');
  t.same(served.asked, [[peerChain.entry('k1').hex]]);
  t.equal((await fetch(`${node.url}/blocks/${peerChain.entry('x1').hex}`)).status, 404, 'x1 not stored');
  t.equal((await digest(node)).tip.keyHeight, 0);
});
