// The orphan flood (issue 13, fix 2) against a real mining node: a peer gossips
// four near-full microblocks a second, each on a made-up parent. Past its orphan
// budget they are IGNOREd from their header, so the node keeps answering its API
// and hashing as before, and nobody is banned (an orphan is no offence).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'tap';
import { getJson, startNetNode, until, type NetNode } from '../helpers/network.js';
import { gossipSeen, peersOf } from '../helpers/test-peer.js';

const FLOOD_PEER = fileURLToPath(new URL('../helpers/flood-peer.ts', import.meta.url));

const ROUNDS = 6;
const ROUND_MS = 2_000;
const FLOOD_PER_S = 4;
/** More than the flood sends: gossipsub drops a repeat it has seen, which the victim would never count. */
const DISTINCT_ORPHANS = 64;

interface Round {
  readonly latencies: number[];
  readonly hashes: number;
  readonly ms: number;
}

/** Polls GET /status every 50 ms for ROUND_MS: its latencies, and the hashes the miner did meanwhile. */
async function round(node: NetNode): Promise<Round> {
  const latencies: number[] = [];
  const started = performance.now();
  let first: number | null = null;
  let last = 0;
  while (performance.now() - started < ROUND_MS) {
    const sent = performance.now();
    last = (await getJson<{ hashes: number }>(`${node.url}/status`)).hashes;
    latencies.push(performance.now() - sent);
    first ??= last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { latencies, hashes: last - first!, ms: performance.now() - started };
}

function summary(rounds: readonly Round[]): { p99Ms: number; hashRate: number } {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const hashes = rounds.reduce((sum, r) => sum + r.hashes, 0);
  const ms = rounds.reduce((sum, r) => sum + r.ms, 0);
  return { p99Ms: latencies[Math.floor(latencies.length * 0.99)]!, hashRate: (hashes * 1000) / ms };
}

test('orphan flood: four near-full microblocks a second on unknown parents leave GET /status p99 < 100 ms and the hash rate ≥ 90% of its baseline', async (t) => {
  const victim = await startNetNode(t, ['--mine', '--threads', '1', '--block-interval', '0']);
  // The attacker runs in its own process, so its work does not slow this one's measurements.
  const attacker = spawn(
    process.execPath,
    [...process.execArgv, FLOOD_PEER, victim.address, String(DISTINCT_ORPHANS), String(FLOOD_PER_S)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.teardown(() => {
    attacker.kill('SIGKILL');
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: attacker.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  await until(60_000, 'the attacker is connected', async () => lines.some((l) => l.ready === true));
  await until(
    20_000,
    'the miner hashes',
    async () => (await getJson<{ hashes: number }>(`${victim.url}/status`)).hashes > 0,
  );
  const seenBefore = await gossipSeen(victim, 'microblock');
  // Interleaved rounds, so a change in the machine's load falls on both sides alike.
  const quiet: Round[] = [];
  const flooded: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    quiet.push(await round(victim));
    attacker.stdin.write('go\n');
    flooded.push(await round(victim));
    attacker.stdin.write('stop\n');
  }
  attacker.stdin.end();
  await once(attacker, 'exit');
  const sent = Number(lines.find((l) => typeof l.sent === 'number')?.sent);
  const baseline = summary(quiet);
  const attacked = summary(flooded);
  t.comment(`baseline: p99 ${baseline.p99Ms.toFixed(1)} ms, ${baseline.hashRate.toFixed(1)} H/s`);
  t.comment(`flooded:  p99 ${attacked.p99Ms.toFixed(1)} ms, ${attacked.hashRate.toFixed(1)} H/s`);
  t.ok(sent >= ROUNDS * (ROUND_MS / 1000) * FLOOD_PER_S * 0.8, `${sent} orphans sent`);
  await until(
    10_000,
    'the victim has seen the flood',
    async () => (await gossipSeen(victim, 'microblock')) >= seenBefore + sent,
  );
  t.ok(attacked.p99Ms < 100, `GET /status p99 under the flood: ${attacked.p99Ms.toFixed(1)} ms`);
  t.ok(
    attacked.hashRate >= 0.9 * baseline.hashRate,
    `hash rate under the flood ${attacked.hashRate.toFixed(1)} H/s ≥ 90% of ${baseline.hashRate.toFixed(1)}`,
  );
  const peers = await peersOf(victim);
  t.same(peers.banned, [], 'an orphan is no offence');
  t.equal(peers.gossip.microblock.rejected, 0);
});
