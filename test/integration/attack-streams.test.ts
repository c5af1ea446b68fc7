// A stream burst against a real node process (src/p2p/reqresp.ts): a test peer
// opens 1,000 status and blocks-by-range streams at once on one connection.
// The node refuses what is over its per-protocol stream limit before reading a
// byte of it, its HTTP API stays responsive meanwhile, and it still serves an
// honest peer afterwards.
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'tap';
import { MAX_INBOUND_STREAMS } from '../../src/p2p/reqresp.js';
import { connectionTo } from '../helpers/lying-peer.js';
import { processCpuMs } from '../helpers/flood.js';
import { converged, mineOn, startNetNode, until } from '../helpers/network.js';
import { burst, burstRequests, pollLatency } from '../helpers/stream-burst.js';
import { dialNode, peersOf, startTestPeer } from '../helpers/test-peer.js';

const STREAMS = 1000;

/** GET /status every 10 ms, open loop. */
const POLL_MS = 10;

test('stream burst: 1,000 concurrent status and blocks-by-range streams on one connection are refused before any work, GET /status stays responsive, and the node still serves an honest peer', async (t) => {
  const node = await startNetNode(t);
  for (let i = 0; i < 32; i++) await mineOn(node); // ranges with blocks in them
  const attacker = await startTestPeer(t);
  await dialNode(attacker, node);
  const connection = connectionTo(attacker, node);
  const url = `${node.url}/status`;

  const pid = node.proc.child.pid!;
  let cpuBefore = processCpuMs(pid);
  let started = performance.now();
  const baseline = await pollLatency(url, POLL_MS, delay(2000));
  // CPU the node spends answering the poller alone, per ms.
  const pollCpuPerMs = (processCpuMs(pid) - cpuBefore) / (performance.now() - started);
  const requests = burstRequests('regtest', STREAMS);
  cpuBefore = processCpuMs(pid);
  started = performance.now();
  const attack = burst(connection, requests);
  const during = await pollLatency(
    url,
    POLL_MS,
    attack.then(() => delay(500)),
  );
  const result = await attack;
  const windowMs = performance.now() - started;
  const burstCpuMs = Math.round(processCpuMs(pid) - cpuBefore - pollCpuPerMs * windowMs);
  const line = (name: string, l: typeof baseline): string =>
    `${name}: ${l.samples} samples, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, ` +
    `max ${l.max.toFixed(1)} ms, ${l.failed} failed`;
  t.comment(line('GET /status baseline', baseline));
  t.comment(line('GET /status during the burst', during));
  t.comment(
    `${STREAMS} streams: ${result.served} served, ${result.refused} refused after naming their protocol, ` +
      `${result.unopened} reset before; the node spent ~${burstCpuMs} ms of CPU on them`,
  );
  t.equal(during.failed, 0, 'every GET /status answered');
  t.ok(
    result.served <= MAX_INBOUND_STREAMS.status + MAX_INBOUND_STREAMS['blocks-by-range'],
    `${result.served} streams served: no more than the per-protocol limits`,
  );
  // Before the limits: p99 1.5–2.7 s; with the limits alone, ~115 ms (yamux read the whole burst);
  // with the connection cut off past STREAM_FLOOD_CUTOFF, ~50 ms.
  t.ok(
    during.p99 < 100,
    `GET /status p99 ${during.p99.toFixed(1)} ms during the burst (baseline ${baseline.p99.toFixed(1)} ms)`,
  );
  // The miner's threads are not the node's main thread, but on 2 cores they share the machine with it.
  t.ok(burstCpuMs < 500, `the node spent ~${burstCpuMs} ms of CPU on the burst`);
  t.notOk(
    (await peersOf(node)).peers.some((p) => p.id === attacker.id),
    'the flooding connection is cut off',
  );

  // An honest node syncs the 32 key blocks from it afterwards.
  const honest = await startNetNode(t, ['--bootstrap', node.address]);
  await until(20_000, 'an honest node syncs from the node after the burst', () => converged([node, honest]));
  t.ok(
    (await peersOf(node)).peers.some((p) => p.id === honest.peerId),
    'the honest node is connected',
  );
});
