// Peers that try to exhaust a node's connection slots, against real node
// processes on 127.0.0.1 (issue 13): many idle identities, one identity
// dialling over and over, many identities from one address, and identities
// that come and go to get their address's honest peer ignored by gossipsub.
import { setTimeout as delay } from 'node:timers/promises';
import { multiaddr } from '@multiformats/multiaddr';
import { test } from 'tap';
import { connectionsOf, dialUntilSettled, refusalsOf, startIdlePeers } from '../helpers/crowd.js';
import { meshed, mineOn, onBestChain, startNetNode, until } from '../helpers/network.js';
import { stopHost } from '../../src/p2p/host.js';
import { dialNode, peersOf } from '../helpers/test-peer.js';

test('evicted: 50 idle identities fill the inbound slots, and a restarting honest node still connects within 5 s', async (t) => {
  // Every identity comes from 127.0.0.1: the per-IP limit is lifted to test the slots alone.
  const victim = await startNetNode(t, ['--max-peers-per-ip', '0']);
  const honest = await startNetNode(t, ['--bootstrap', victim.address]);
  await until(10_000, 'the honest node connects', async () =>
    (await peersOf(victim)).peers.some((p) => p.id === honest.peerId),
  );
  honest.proc.kill('SIGKILL');
  await until(10_000, 'the victim sees it go', async () =>
    (await peersOf(victim)).peers.every((p) => p.id !== honest.peerId),
  );

  const idle = await startIdlePeers(t, 50);
  for (const peer of idle) await dialUntilSettled(peer, victim, ['evicted', 'inbound-full']);
  await until(5000, 'the evicted are gone', async () => (await peersOf(victim)).peers.length <= 42).catch(
    () => undefined,
  );
  const full = await peersOf(victim);
  t.equal(full.peers.length, 42, 'inbound peers hold 42 of the 50 slots: 8 stay for our own dials');
  t.ok(
    full.disconnected.filter((d) => d.reason === 'evicted').length >= 8,
    'the 8 identities past the inbound limit each evicted another',
  );

  const restarted = await startNetNode(t, ['--bootstrap', victim.address], honest.datadir);
  t.equal(restarted.peerId, honest.peerId, 'the same identity');
  const ms = await until(5000, 'the restarted honest node holds a slot', async () =>
    (await peersOf(victim)).peers.some((p) => p.id === honest.peerId),
  );
  t.ok(ms < 5000, `connected ${Math.round(ms)} ms after its API came up`);
  const after = await peersOf(victim);
  t.equal(after.peers.length, 42, 'still 42 inbound peers');
  const made = after.disconnected.find((d) => d.reason === 'evicted' && d.detail?.endsWith(honest.peerId));
  t.ok(made, `GET /peers says who made room: ${JSON.stringify(made)}`);
  t.ok(
    idle.some((p) => p.id === made?.peer),
    'an idle identity',
  );
});

test('duplicate-connection: one identity dialling 300 times in 10 s holds one connection', async (t) => {
  const victim = await startNetNode(t);
  const [attacker] = await startIdlePeers(t, 1);
  const target = multiaddr(victim.address);
  let dialled = 0;
  const started = performance.now();
  const dials: Promise<unknown>[] = [];
  while (dialled < 300) {
    // force: a new connection each time, even with one open.
    dials.push(attacker!.host.dial(target, { force: true }).catch(() => undefined));
    dialled++;
    await delay(Math.max(0, (dialled * 10_000) / 300 - (performance.now() - started)));
  }
  await Promise.all(dials);
  t.ok(performance.now() - started < 15_000, `300 dials in ${Math.round(performance.now() - started)} ms`);
  const view = await peersOf(victim);
  t.equal(connectionsOf(view, attacker!.id), 1, 'the victim holds one connection to it');
  const refusals = refusalsOf(view, attacker!.id);
  t.ok(refusals.length > 0, 'GET /peers lists the refusals');
  t.ok(
    refusals.every((r) => r === 'duplicate-connection'),
    `as duplicate-connection: ${refusals.join(', ')}`,
  );
  t.ok(refusals.length <= 2, 'a run of refusals is one line, not 299');
  await until(5000, 'the attacker is left with one connection', () =>
    Promise.resolve(attacker!.host.getConnections().filter((c) => c.status === 'open').length === 1),
  );
});

test('too-many-from-ip: identities from one address beyond --max-peers-per-ip are refused unless allow-listed', async (t) => {
  // Loopback is not exempt by default: 127.0.0.1 is one address like any other.
  const victim = await startNetNode(t, ['--max-peers-per-ip', '3']);
  const peers = await startIdlePeers(t, 6);
  const outcomes: string[] = [];
  for (const peer of peers) outcomes.push(await dialUntilSettled(peer, victim, ['too-many-from-ip']));
  t.same(outcomes, [
    'connected',
    'connected',
    'connected',
    'too-many-from-ip',
    'too-many-from-ip',
    'too-many-from-ip',
  ]);
  const view = await peersOf(victim);
  t.equal(view.peers.length, 3, 'three inbound peers from 127.0.0.1');
  t.match(
    view.disconnected.find((d) => d.peer === peers[5]!.id),
    {
      reason: 'too-many-from-ip',
      detail: '3 of 3 from 127.0.0.1',
    },
  );

  const trusting = await startNetNode(t, ['--max-peers-per-ip', '3', '--allow-ip', '127.0.0.0/8']);
  for (const peer of peers) t.equal(await dialUntilSettled(peer, trusting), 'connected');
  t.equal((await peersOf(trusting)).peers.length, 6, 'an allow-listed range is exempt');
});

test('ip-colocation: after 20 identities from 127.0.0.1 connect and leave, an honest node there still gossips both ways', async (t) => {
  // Room for all 20 at once, and no allow-list: gossipsub's whitelist plays no part.
  const victim = await startNetNode(t, ['--max-peers-per-ip', '32']);
  const passing = await startIdlePeers(t, 20);
  for (const peer of passing) {
    t.equal(await dialUntilSettled(peer, victim), 'connected');
    await dialNode(peer, victim); // gossipsub streams both ways: the victim's gossipsub knows its address
  }
  t.equal((await peersOf(victim)).peers.length, 20);
  for (const peer of passing) await stopHost(peer.host);
  await until(10_000, 'all 20 have left', async () => (await peersOf(victim)).peers.length === 0);

  const honest = await startNetNode(t, ['--bootstrap', victim.address]);
  await until(10_000, 'the honest node and the victim graft each other on every topic', () =>
    meshed([[honest, victim]]),
  );
  const score = (await peersOf(victim)).peers.find((p) => p.id === honest.peerId)!.score;
  t.ok(score >= 0, `the victim scores the honest node ${score}`);

  const accepted = async (node: typeof victim): Promise<number> =>
    (await peersOf(node)).gossip.keyblock.accepted;
  const before = await accepted(victim);
  const fromHonest = await mineOn(honest);
  await until(
    5000,
    'the victim takes the honest block by gossip',
    async () => (await accepted(victim)) > before,
  );
  t.ok(await onBestChain(victim, fromHonest), 'the honest block is on the victim’s best chain');

  const back = await accepted(honest);
  const fromVictim = await mineOn(victim);
  await until(
    5000,
    'the honest node takes the victim’s block by gossip',
    async () => (await accepted(honest)) > back,
  );
  t.ok(await onBestChain(honest, fromVictim));
});
