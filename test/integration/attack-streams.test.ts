// A stream burst against a real node process (src/p2p/reqresp.ts): a test peer
// opens 1,000 status and blocks-by-range streams at once on one connection.
// The node refuses what is over its per-protocol stream limit before reading a
// byte of it, its HTTP API stays responsive meanwhile, and it still serves an
// honest peer afterwards.
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'tap';
import { protocolName } from '../../src/p2p/reqresp.js';
import { encodeRangeRequest, encodeStatus } from '../../src/p2p/wire.js';
import { connectionTo } from '../helpers/lying-peer.js';
import { converged, mineOn, startNetNode, until } from '../helpers/network.js';
import { burst, pollLatency } from '../helpers/stream-burst.js';
import { GENESIS_STATUS, dialNode, peersOf, startTestPeer } from '../helpers/test-peer.js';

const STREAMS = 1000;
/** GET /status every 10 ms, open loop. */
const POLL_MS = 10;

test('stream burst: 1,000 concurrent status and blocks-by-range streams on one connection are refused before any work, GET /status p99 stays < 100 ms, and the node still serves an honest peer', async (t) => {
  const node = await startNetNode(t);
  for (let i = 0; i < 32; i++) await mineOn(node); // ranges with blocks in them
  const attacker = await startTestPeer(t);
  await dialNode(attacker, node);
  const connection = connectionTo(attacker, node);
  const url = `${node.url}/status`;

  const baseline = await pollLatency(url, POLL_MS, delay(2000));
  const requests = Array.from({ length: STREAMS }, (_, i) =>
    i % 2 === 0
      ? { protocol: protocolName('regtest', 'status'), body: encodeStatus(GENESIS_STATUS) }
      : {
          protocol: protocolName('regtest', 'blocks-by-range'),
          body: encodeRangeRequest({ keyHeight: 0n, startIndex: 0, maxEpochs: 64 }),
        },
  );
  const started = performance.now();
  const attack = burst(connection, requests);
  const during = await pollLatency(
    url,
    POLL_MS,
    attack.then(() => delay(500)),
  );
  const result = await attack;
  const burstMs = performance.now() - started;
  const line = (name: string, l: typeof baseline): string =>
    `${name}: ${l.samples} samples, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms, ${l.failed} failed`;
  t.comment(line('GET /status baseline', baseline));
  t.comment(line('GET /status during the burst', during));
  t.comment(
    `${STREAMS} streams over ${Math.round(burstMs)} ms: ${result.served} served, ${result.refused} refused, ` +
      `${result.unopened} not opened on our side`,
  );
  t.equal(during.failed, 0, 'every GET /status answered');
  t.ok(
    during.p99 < 100,
    `p99 ${during.p99.toFixed(1)} ms during the burst (baseline ${baseline.p99.toFixed(1)} ms)`,
  );
  t.ok(result.served <= 32, `at most a few streams per protocol served (${result.served})`);

  // An honest node syncs the 32 key blocks from it afterwards.
  const honest = await startNetNode(t, ['--bootstrap', node.address]);
  await until(20_000, 'an honest node syncs from the node after the burst', () => converged([node, honest]));
  t.ok(
    (await peersOf(node)).peers.some((p) => p.id === honest.peerId),
    'the honest node is connected',
  );
});
