import { once } from 'node:events';
import { test } from 'tap';
import type { MempoolEntry, TxOrigin } from '../../src/mempool/mempool.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { competingKeyBlocks, mineKeyBlock } from '../helpers/blocks.js';
import { startTestNode } from '../helpers/node.js';
import { dialNode, startTestPeer } from '../helpers/test-peer.js';
import { transfer } from '../helpers/txs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const GENESIS = Buffer.from(REGTEST.genesis.id, 'hex');

test('a reorg returns the transactions of disconnected microblocks to the mempool', async (t) => {
  //   g -> k1 -> m0 (our transfer)
  //    \-> c1 -> c2*        c2 outweighs k1: m0 is disconnected, its transfer pending again
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const k1 = mineKeyBlock({
    prev: GENESIS,
    height: 1n,
    time: REGTEST.genesis.time + 60,
    leaderKey: node.leader.leaderKey,
  });
  t.equal(node.chain.add({ kind: 'key', block: k1 }), 'connected');
  const tx = transfer(new Uint8Array(20).fill(0x33), 10n ** 18n, { fee: 10n ** 11n * 200n });
  const id = hex(txId(tx));
  const included = new Promise<void>((resolve) => {
    node.chain.on('connected', (entry) => {
      if (entry.kind === 'micro') resolve();
    });
  });
  const posted = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: hex(encodeTx(tx)),
  });
  t.equal(posted.status, 200);
  await included;
  t.match(await (await fetch(`${url}/txs/${id}`)).json(), { status: 'confirmed' });
  t.equal(node.mempool.count, 0);

  const [c1, c2] = competingKeyBlocks();
  t.equal(node.chain.add({ kind: 'key', block: c1 }), 'side');
  t.equal(node.chain.add({ kind: 'key', block: c2 }), 'reorged');
  t.match(
    await (await fetch(`${url}/txs/${id}`)).json(),
    { status: 'pending', block: null },
    'back in the mempool',
  );
  t.equal(node.mempool.count, 1);
  t.notOk(
    node.leader.isLeading(),
    "the new tip's epoch is someone else's: the transfer waits for its leader",
  );
});

test('a transaction that arrives by gossip is not published again; one posted to the API is published once', async (t) => {
  // Gossipsub relays what we ACCEPT (§10.2): publishing a gossiped tx again costs an encoding and a hash.
  const { url, node } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxPeers: 16, banMs: 60_000, stallMs: 3000 } },
  );
  const network = node.network!;
  const published = t.capture(network, 'publishTx', network.publishTx.bind(network));
  const peer = await startTestPeer(t);
  await dialNode(peer, { address: network.listenAddresses()[0]!, peerId: network.peerId });
  const fee = 10n ** 11n * 200n;
  const sink = new Uint8Array(20).fill(0x44);

  const gossiped = transfer(sink, 1n, { fee });
  const arrived = once(node.mempool, 'accepted');
  t.equal(await peer.publish('tx', encodeTx(gossiped)), 1, 'sent to the node');
  const [entry, origin] = (await arrived) as [MempoolEntry, TxOrigin];
  t.equal(entry.idHex, hex(txId(gossiped)));
  t.equal(origin, 'gossip');
  t.equal(published.calls.length, 0, 'the gossiped tx is not published');

  const posted = transfer(sink, 1n, { fee, nonce: 1n });
  const response = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: hex(encodeTx(posted)),
  });
  t.equal(response.status, 200);
  t.same(
    published.args().map(([tx]) => hex(txId(tx))),
    [hex(txId(posted))],
    'the posted tx is published exactly once',
  );
});
