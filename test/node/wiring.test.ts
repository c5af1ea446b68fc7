import { test } from 'tap';
import { keyBlockId } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { startTestNode } from '../helpers/node.js';
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

  const c1 = mineKeyBlock({
    prev: GENESIS,
    height: 1n,
    time: REGTEST.genesis.time + 61,
    body: { payout: new Uint8Array(20).fill(0xc1) },
  });
  const c2 = mineKeyBlock({
    prev: keyBlockId(c1.header),
    height: 2n,
    time: REGTEST.genesis.time + 120,
    body: { payout: new Uint8Array(20).fill(0xc2) },
  });
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
