// Stream bursts against a mining node (issue 13, fix 6): in every other round
// a fresh peer opens 1,000 status and blocks-by-range streams at once on one
// connection, and the miner keeps ≥ 90% of its hash rate in those rounds. The
// node's API under a burst is attack-streams.test.ts's.
import { setPriority } from 'node:os';
import { test } from 'tap';
import { MAX_INBOUND_STREAMS } from '../../src/p2p/reqresp.js';
import { alternateRounds, startHashingNode } from '../helpers/hash-rate.js';
import { connectionTo } from '../helpers/lying-peer.js';
import { burst, burstRequests, type BurstResult } from '../helpers/stream-burst.js';
import { dialNode, startTestPeer, type TestPeer } from '../helpers/test-peer.js';

const ROUNDS = 8;
const ROUND_MS = 1_500;

test('stream bursts: a mining node keeps ≥ 90% of its hash rate while a fresh peer opens 1,000 streams every other round', async (t) => {
  const node = await startHashingNode(t);
  // This process is the attacker (opening the streams costs it more than the node): at the lowest
  // priority from now on, so its work is not taken from the miner, as it would run on another machine.
  setPriority(19);
  const requests = burstRequests('testnet', 1000);
  let attacker: TestPeer | undefined;
  let attack: Promise<BurstResult> | undefined;
  const results: BurstResult[] = [];
  const { quiet, attacked, pairRatios, medianRatio } = await alternateRounds(
    node,
    {
      // Each burst gets its connection cut off, so each round's attacker is a new peer.
      prepare: async () => {
        attacker = await startTestPeer(t, undefined, 'testnet');
        await dialNode(attacker, node);
      },
      start: () => {
        attack = burst(connectionTo(attacker!, node), requests);
      },
      stop: async () => {
        results.push(await attack!);
      },
    },
    ROUNDS,
    ROUND_MS,
  );
  // (GET /status latencies here are this niced process's own; attack-streams.test.ts measures the API.)
  t.comment(`hash rate: quiet ${quiet.hashRate.toFixed(1)} H/s, bursts ${attacked.hashRate.toFixed(1)} H/s`);
  t.comment(`served per burst: ${results.map((r) => r.served).join(', ')}`);
  t.ok(
    results.every((r) => r.served <= MAX_INBOUND_STREAMS.status + MAX_INBOUND_STREAMS['blocks-by-range']),
    'no burst had more streams served than the per-protocol limits',
  );
  t.comment(`bursts ÷ quiet, per pair: ${pairRatios.map((r) => r.toFixed(2)).join(' ')}`);
  t.ok(
    medianRatio >= 0.9,
    `hash rate in burst rounds: ${(medianRatio * 100).toFixed(0)}% of the quiet rounds' (median of pairs, ≥ 90%)`,
  );
});
