import { test } from 'tap';
import { keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { startTestNode } from '../helpers/node.js';
import { SseClient, type SseMessage } from '../helpers/sse.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const GENESIS = Buffer.from(REGTEST.genesis.id, 'hex');

function keyOn(prev: Uint8Array, height: bigint, payoutByte: number): KeyBlock {
  return mineKeyBlock({
    prev,
    height,
    time: REGTEST.genesis.time + 60 * Number(height),
    body: { payout: new Uint8Array(20).fill(payoutByte) },
  });
}

/** The block events (each key block's activation is test/api/events-activation.test.ts's). */
const BLOCKS = 'types=block_connected,block_disconnected,reorg';

const summary = (messages: readonly SseMessage[]): string[] =>
  messages.map(
    (m) =>
      `${m.event === 'block_connected' ? '+' : m.event === 'block_disconnected' ? '-' : ''}${m.event === 'reorg' ? 'reorg' : String(m.data.id)}`,
  );

test('events: connect and disconnect arrive in order across a forced reorg; ?from= and Last-Event-ID replay exactly', async (t) => {
  //   g -> b1 -> b2
  //    \-> c1 -> c2 -> c3*       c3 outweighs b2: the chain reorganises
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const live = await SseClient.open(`${url}/events?from=0&${BLOCKS}`);
  t.teardown(() => {
    live.close();
  });
  const reorgsOnly = await SseClient.open(`${url}/events?from=0&types=reorg`);
  t.teardown(() => {
    reorgsOnly.close();
  });
  const b1 = keyOn(GENESIS, 1n, 0xb1);
  const b2 = keyOn(keyBlockId(b1.header), 2n, 0xb2);
  const c1 = keyOn(GENESIS, 1n, 0xc1);
  const c2 = keyOn(keyBlockId(c1.header), 2n, 0xc2);
  const c3 = keyOn(keyBlockId(c2.header), 3n, 0xc3);
  const id = (b: KeyBlock): string => hex(keyBlockId(b.header));
  for (const block of [b1, b2]) node.chain.add({ kind: 'key', block });
  // A stream tells its client the chain as it finds it when it writes: let the live one see b2 first.
  await live.wait((m) => m.length >= 3);
  for (const block of [c1, c2]) node.chain.add({ kind: 'key', block });
  t.equal(node.chain.add({ kind: 'key', block: c3 }), 'reorged');

  await live.wait((m) => m.some((e) => e.event === 'reorg'));
  t.same(summary(live.messages), [
    `+${REGTEST.genesis.id}`,
    `+${id(b1)}`,
    `+${id(b2)}`,
    `-${id(b2)}`,
    `-${id(b1)}`,
    `+${id(c1)}`,
    `+${id(c2)}`,
    `+${id(c3)}`,
    'reorg',
  ]);
  t.match(
    live.messages[3],
    { id: id(b1), data: { type: 'block_disconnected', height: 2, kind: 'key' } },
    'a disconnection moves the cursor to the parent',
  );
  t.match(live.messages[8]?.data, { type: 'reorg', height: 3, id: id(c3), disconnected: 2, connected: 3 });

  const fromOne = await SseClient.open(`${url}/events?from=1&${BLOCKS}`);
  t.teardown(() => {
    fromOne.close();
  });
  await fromOne.wait((m) => m.length >= 3);
  t.same(
    summary(fromOne.messages),
    [`+${id(c1)}`, `+${id(c2)}`, `+${id(c3)}`],
    '?from=1 replays the best chain from height 1',
  );

  // An indexer that applied up to b2 and was away during the reorg resumes from its last event id.
  const resumed = await SseClient.open(`${url}/events?${BLOCKS}`, { 'last-event-id': id(b2) });
  t.teardown(() => {
    resumed.close();
  });
  await resumed.wait((m) => m.length >= 6);
  t.same(
    summary(resumed.messages),
    [`-${id(b2)}`, `-${id(b1)}`, `+${id(c1)}`, `+${id(c2)}`, `+${id(c3)}`, 'reorg'],
    'the way back and forth, then the reorg it amounts to for this client',
  );
  t.match(resumed.messages[5]?.data, {
    from: { id: id(b2) },
    to: { id: id(c3) },
    disconnected: 2,
    connected: 3,
  });

  // Live events follow the replay with nothing missed or repeated.
  const c4 = keyOn(keyBlockId(c3.header), 4n, 0xc4);
  node.chain.add({ kind: 'key', block: c4 });
  await fromOne.wait((m) => m.length >= 4);
  await resumed.wait((m) => m.length >= 7);
  t.same(summary(fromOne.messages).slice(3), [`+${id(c4)}`]);
  t.same(summary(resumed.messages).slice(6), [`+${id(c4)}`]);

  const unknown = await fetch(`${url}/events`, { headers: { 'last-event-id': 'ab'.repeat(32) } });
  t.equal(unknown.status, 404);
});

test('MaxListenersExceededWarning: a dozen event streams add no listener to the chain or the mempool', async (t) => {
  const { url, node } = await startTestNode((fn) => {
    t.teardown(fn);
  });
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.name);
  };
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const before = {
    connected: node.chain.listenerCount('connected'),
    accepted: node.mempool.listenerCount('accepted'),
  };
  const clients = await Promise.all(Array.from({ length: 12 }, () => SseClient.open(`${url}/events?from=0`)));
  t.teardown(() => {
    for (const c of clients) c.close();
  });
  await Promise.all(clients.map((c) => c.wait((m) => m.length >= 1)));
  t.equal(node.chain.listenerCount('connected'), before.connected, 'the chain has the listeners it had');
  t.ok(node.mempool.listenerCount('accepted') <= before.accepted + 1, 'the mempool at most one more');
  t.same(
    warnings.filter((w) => w === 'MaxListenersExceededWarning'),
    [],
    'no warning',
  );
});
