import { createServer, Server } from 'node:net';
import { once } from 'node:events';
import { test } from 'tap';
import { AltostreamNode } from '../../src/node/node.js';
import { isLoopback } from '../../src/node/metrics/server.js';
import { REGTEST } from '../../src/protocol/params.js';
import { encodeTx, txId } from '../../src/protocol/tx.js';
import { InvalidArgumentError } from '../../src/util/errors.js';
import { competingKeyBlocks, mineKeyBlock } from '../helpers/blocks.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';
import { startTestNode, testNodeConfig } from '../helpers/node.js';
import { parsePrometheusText, sampleValue, type Family } from '../helpers/prometheus-text.js';
import { ownTempDir } from '../helpers/test-owner.js';
import { transfer } from '../helpers/txs.js';
import { dialNode, startTestPeer } from '../helpers/test-peer.js';
import { StratumClient } from '../helpers/stratum-client.js';
import { addressOf } from '../helpers/stratum-node.js';
import { DEFAULT_STRATUM_OPTIONS } from '../../src/stratum/server.js';
import { checkEndorsement } from '../../src/consensus/activity.js';
import { EndorsementPool } from '../../src/miner/endorsements.js';
import { NodeMetrics } from '../../src/node/metrics/node-metrics.js';
import { drawFixture, endorse } from '../helpers/endorsements.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const GENESIS = Buffer.from(REGTEST.genesis.id, 'hex');
const METRICS = { host: '127.0.0.1', port: 0 };

function teardownOf(t: { teardown(fn: () => unknown): void }): (fn: () => unknown) => void {
  return (fn) => {
    t.teardown(fn);
  };
}

async function scrape(node: AltostreamNode): Promise<Map<string, Family>> {
  const address = node.metricsAddress();
  if (address === null) throw new Error('metrics are off');
  const response = await fetch(`http://${address.host}:${address.port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}

test('metrics: GET /metrics is Prometheus text, and heights, blocks, mempool, reorgs and API latency move', async (t) => {
  //   g -> k1 -> m0 (our transfer)
  //    \-> c1 -> c2*        c2 outweighs k1: a reorg that disconnects k1 and m0
  const { node, url } = await startTestNode(teardownOf(t), { metrics: METRICS });
  const address = node.metricsAddress()!;
  const response = await fetch(`http://${address.host}:${address.port}/metrics`);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4; charset=utf-8$/);
  const before = parsePrometheusText(await response.text());
  t.equal(sampleValue(before, 'altostream_chain_tip_key_height'), 0);
  t.equal(sampleValue(before, 'altostream_chain_key_blocks_connected_total'), 0);
  t.equal(sampleValue(before, 'altostream_chain_reorgs_total'), 0);
  t.equal(sampleValue(before, 'altostream_mempool_transactions'), 0);
  t.ok(sampleValue(before, 'altostream_lmdb_data_bytes') > 0, 'the LMDB data file has a size');
  t.ok(sampleValue(before, 'altostream_mempool_min_fee_per_byte') > 0, 'the min relay fee rate');
  t.equal(before.get('nodejs_eventloop_lag_seconds')?.type, 'gauge', 'event-loop lag, from the defaults');
  t.equal(before.get('process_cpu_user_seconds_total')?.type, 'counter', 'process defaults');

  // Before any key block of ours, no epoch is ours: the transfer waits in the mempool.
  const tx = transfer(new Uint8Array(20).fill(0x33), 10n ** 18n, { fee: 10n ** 11n * 200n });
  const posted = await fetch(`${url}/txs`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: hex(encodeTx(tx)),
  });
  t.equal(posted.status, 200);
  t.equal((await fetch(`${url}/txs/${hex(txId(tx))}`)).status, 200);
  t.equal((await fetch(`${url}/no/such/route/${'x'.repeat(20)}`)).status, 404);
  const pending = await scrape(node);
  t.equal(sampleValue(pending, 'altostream_mempool_transactions'), 1);
  t.equal(sampleValue(pending, 'altostream_mempool_bytes'), node.mempool.bytes);
  t.ok(node.mempool.bytes > 0);
  const latency = 'altostream_api_request_duration_seconds_count';
  t.equal(sampleValue(pending, latency, { method: 'POST', route: '/txs', status: '2xx' }), 1);
  t.equal(
    sampleValue(pending, latency, { method: 'GET', route: '/txs/:id', status: '2xx' }),
    1,
    'labelled by the route pattern, not the URL',
  );
  t.equal(sampleValue(pending, latency, { method: 'GET', route: 'unmatched', status: '4xx' }), 1);
  const routes = pending.get('altostream_api_request_duration_seconds')!.samples.map((s) => s.labels.route);
  t.notOk(
    routes.some((r) => r?.includes(hex(txId(tx))) === true || r?.includes('xxxx') === true),
    'no raw URL is a label',
  );

  const included = new Promise<void>((resolve) => {
    node.chain.on('connected', (entry) => {
      if (entry.kind === 'micro') resolve();
    });
  });
  const k1 = mineKeyBlock({
    prev: GENESIS,
    height: 1n,
    time: REGTEST.genesis.time + 60,
    leaderKey: node.leader.leaderKey,
  });
  t.equal(node.chain.add({ kind: 'key', block: k1 }), 'connected');
  await included;
  const mined = await scrape(node);
  t.equal(sampleValue(mined, 'altostream_chain_tip_key_height'), 1);
  t.equal(sampleValue(mined, 'altostream_chain_key_blocks_connected_total'), 1);
  t.ok(sampleValue(mined, 'altostream_chain_microblocks_connected_total') >= 1);
  t.ok(sampleValue(mined, 'altostream_chain_tip_epoch_microblocks') >= 1);
  t.ok(sampleValue(mined, 'altostream_chain_work') > 0);
  t.equal(sampleValue(mined, 'altostream_mempool_transactions'), 0, 'the transfer left the mempool');
  t.equal(sampleValue(mined, 'altostream_sync_key_height'), 1);

  const [c1, c2] = competingKeyBlocks();
  t.equal(node.chain.add({ kind: 'key', block: c1 }), 'side');
  t.equal(node.chain.add({ kind: 'key', block: c2 }), 'reorged');
  const reorged = await scrape(node);
  t.equal(sampleValue(reorged, 'altostream_chain_reorgs_total'), 1);
  t.equal(sampleValue(reorged, 'altostream_chain_reorg_depth_blocks_count'), 1);
  const depth = sampleValue(mined, 'altostream_chain_tip_epoch_microblocks') + 1; // k1 and its microblocks
  t.equal(sampleValue(reorged, 'altostream_chain_reorg_depth_blocks_sum'), depth);
  t.equal(sampleValue(reorged, 'altostream_chain_key_blocks_connected_total'), 3, 'k1, then c1 and c2');
  t.equal(sampleValue(reorged, 'altostream_chain_tip_key_height'), 2);
  t.equal(sampleValue(reorged, 'altostream_mempool_transactions'), 1, 'the transfer is pending again');
});

test('metrics: with P2P, Stratum and validator off, their series are there at 0', async (t) => {
  const { node } = await startTestNode(teardownOf(t), { metrics: METRICS });
  const families = await scrape(node);
  for (const direction of ['inbound', 'outbound']) {
    t.equal(sampleValue(families, 'altostream_peers', { direction }), 0, direction);
  }
  for (const topic of ['keyblock', 'microblock', 'tx', 'endorsement']) {
    for (const verdict of ['accepted', 'ignored', 'rejected']) {
      t.equal(sampleValue(families, 'altostream_gossip_messages_total', { topic, verdict }), 0);
    }
    for (const reason of ['queue_full', 'sender_banned']) {
      t.equal(sampleValue(families, 'altostream_gossip_unvalidated_total', { topic, reason }), 0);
    }
  }
  for (const name of [
    'altostream_sync_syncing',
    'altostream_miner_hashes_per_second',
    'altostream_miner_hashes_total',
    'altostream_stratum_hashes_per_second',
    'altostream_stratum_workers',
    'altostream_endorsements_candidates',
    'altostream_endorsements_seen_total',
    'altostream_validator_endorsements_signed_total',
    'altostream_validator_endorsements_included_total',
  ]) {
    t.equal(sampleValue(families, name), 0, name);
  }
  t.equal(sampleValue(families, 'altostream_sync_target_key_height'), 0);
  for (const outcome of ['accepted', 'stale', 'duplicate', 'low-difficulty', 'invalid']) {
    t.equal(sampleValue(families, 'altostream_stratum_shares_total', { outcome }), 0, outcome);
  }
});

test('metrics: anything but GET /metrics is 404', async (t) => {
  const { node } = await startTestNode(teardownOf(t), { metrics: METRICS });
  const { host, port } = node.metricsAddress()!;
  t.equal((await fetch(`http://${host}:${port}/`)).status, 404);
  t.equal((await fetch(`http://${host}:${port}/metrics/x`)).status, 404);
  t.equal((await fetch(`http://${host}:${port}/metrics`, { method: 'POST' })).status, 404);
  t.equal((await fetch(`http://${host}:${port}/metrics?name[]=x`)).status, 200, 'a query is ignored');
});

test('metrics-off: with metrics null or left out there is no metrics listener; stop closes it when on', async (t) => {
  for (const metrics of [null, undefined, METRICS]) {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- capture calls it with the server as `this`
    const listen = t.capture(Server.prototype, 'listen', Server.prototype.listen);
    const { node } = await startTestNode(teardownOf(t), { metrics });
    const servers = listen.calls.map((c) => c.receiver as Server);
    t.equal(
      servers.length,
      metrics === METRICS ? 2 : 1,
      `${metrics === undefined ? 'left out' : JSON.stringify(metrics)}: the API, and metrics when on`,
    );
    t.equal(node.metricsAddress() === null, metrics !== METRICS);
    listen.restore();
    await node.stop();
    t.notOk(
      servers.some((s) => s.listening),
      'stop closes every server it started',
    );
  }
});

test('metrics-listen-failed: a metrics port in use fails the start with what to do, and frees the data dir', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const datadir = ownTempDir(t);
  const { logger } = captureLog('info');
  await t.rejects(
    AltostreamNode.start(testNodeConfig(datadir, { metrics: { host: '127.0.0.1', port } }), { logger }),
    {
      constructor: InvalidArgumentError,
      code: 'metrics-listen-failed',
      message: new RegExp(`^cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\).*--metrics`),
    },
  );
  const node = await AltostreamNode.start(testNodeConfig(datadir), { logger });
  await node.stop();
  t.pass('the data dir lock was released');
});

test('metrics-exposed: bound to a non-loopback address, the node warns at start', async (t) => {
  t.ok(isLoopback('127.0.0.1') && isLoopback('127.1.2.3') && isLoopback('::1') && isLoopback('localhost'));
  t.notOk(
    isLoopback('0.0.0.0') || isLoopback('::') || isLoopback('192.168.1.2') || isLoopback('127.example'),
  );
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    const { logger, records } = captureLog('info');
    const { node } = await startTestNode(teardownOf(t), { metrics: { host, port: 0 } }, logger);
    const warnings = records.filter((r) => r.level === LEVEL.warn && /non-loopback/.test(r.msg));
    t.equal(warnings.length, host === '0.0.0.0' ? 1 : 0, host);
    t.match(
      records.find((r) => r.msg === 'node started'),
      { metrics: `http://${host}:${node.metricsAddress()!.port}/metrics` },
    );
    await node.stop();
  }
});

test('metrics: a Stratum share moves the share counter, the worker count and the Stratum hash rate', async (t) => {
  const stratum = { ...DEFAULT_STRATUM_OPTIONS, host: '127.0.0.1', port: 0, mode: 'solo' as const };
  const { node } = await startTestNode(teardownOf(t), { metrics: METRICS, stratum });
  const client = await StratumClient.connect(node.stratum!.port);
  t.teardown(() => {
    client.close();
  });
  await client.subscribe();
  const user = `${addressOf('regtest', 0x5a)}.rig1`;
  t.equal((await client.authorize(user, 'x')).result, true);
  const job = await client.nextNotify();
  // On regtest every share meets the block target too: the share is also a key block.
  const share = client.findShare(job, { extranonce2: '00000000' });
  if (share === null) throw new Error('no share found');
  t.equal((await client.submit(user, share)).result, true);
  const families = await scrape(node);
  t.equal(sampleValue(families, 'altostream_stratum_shares_total', { outcome: 'accepted' }), 1);
  t.equal(sampleValue(families, 'altostream_stratum_workers'), 1);
  t.ok(sampleValue(families, 'altostream_stratum_hashes_per_second') > 0);
  t.equal(sampleValue(families, 'altostream_stratum_shares_total', { outcome: 'invalid' }), 0);
});

test('metrics: endorsements_seen_total counts endorsements the pool takes in, not duplicates', async (t) => {
  const registry = new NodeMetrics();
  const { keyBlockId, owners, seedOf } = drawFixture('metrics');
  const pool = new EndorsementPool({ slots: REGTEST.poa.slots }, { metrics: registry.endorsements });
  const e = endorse(keyBlockId, 0, seedOf(owners[0]!));
  const held = { keyBlockId, slot: checkEndorsement(e, keyBlockId, owners, REGTEST), sig: e.sig };
  t.equal(pool.add(held), 'added');
  t.equal(pool.add(held), 'duplicate');
  const families = parsePrometheusText(await registry.registry.metrics());
  t.equal(sampleValue(families, 'altostream_endorsements_seen_total'), 1);
});

test('metrics: with P2P on, a peer that dials in and gossips a transaction moves peers and gossip verdicts', async (t) => {
  const p2p = { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxPeers: 16, banMs: 60_000, stallMs: 3000 };
  const { node } = await startTestNode(teardownOf(t), { metrics: METRICS, p2p });
  const network = node.network!;
  const before = await scrape(node);
  t.equal(sampleValue(before, 'altostream_peers', { direction: 'inbound' }), 0);
  t.equal(sampleValue(before, 'altostream_gossip_messages_total', { topic: 'tx', verdict: 'accepted' }), 0);
  const peer = await startTestPeer(t);
  await dialNode(peer, { address: network.listenAddresses()[0]!, peerId: network.peerId });
  const arrived = once(node.mempool, 'accepted');
  const tx = transfer(new Uint8Array(20).fill(0x44), 1n, { fee: 10n ** 11n * 200n });
  t.equal(await peer.publish('tx', encodeTx(tx)), 1, 'sent to the node');
  await arrived;
  const after = await scrape(node);
  t.equal(sampleValue(after, 'altostream_peers', { direction: 'inbound' }), 1);
  t.equal(sampleValue(after, 'altostream_peers', { direction: 'outbound' }), 0);
  t.equal(sampleValue(after, 'altostream_gossip_messages_total', { topic: 'tx', verdict: 'accepted' }), 1);
  t.equal(sampleValue(after, 'altostream_gossip_messages_total', { topic: 'tx', verdict: 'rejected' }), 0);
  t.equal(sampleValue(after, 'altostream_mempool_transactions'), 1);
});
