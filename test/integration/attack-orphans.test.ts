// The orphan flood (issue 13, fix 2) against a real mining node: a peer gossips
// four near-full microblocks a second, each on a made-up parent. Past its orphan
// budget they are IGNOREd from their header, so the node keeps answering its API
// and hashing as before, and nobody is banned (an orphan is no offence).
//
// The miner's rate is measured and reported, but what is asserted of it is the
// cause: the CPU the flood costs the victim's main thread. On this 2-core machine
// the attacker runs beside the victim (and tap runs another test file beside
// this one), so the hash rate moves with their load, not only with the victim's
// work (decision 105).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'tap';
import { getJson, startNetNode, until, type NetNode } from '../helpers/network.js';
import { mainThreadCpuMs } from '../helpers/flood.js';
import { gossipSeen, peersOf } from '../helpers/test-peer.js';

const FLOOD_PEER = fileURLToPath(new URL('../helpers/flood-peer.ts', import.meta.url));

const ROUNDS = 6;
const ROUND_MS = 2_000;
const FLOOD_PER_S = 4;
/** The flood may cost the victim's main thread this share of a core (measured: ~2.5% with the decode gate, ~9% without). */
const MAX_FLOOD_CPU_SHARE = 0.05;
/** More than the flood sends: gossipsub drops a repeat it has seen, which the victim would never count. */
const DISTINCT_ORPHANS = 64;

interface Round {
  readonly latencies: number[];
  readonly hashes: number;
  readonly ms: number;
  /** CPU the victim's main thread used meanwhile (gossip, chain, API; not the miner's threads). */
  readonly cpuMs: number;
}

/** Polls GET /status every 50 ms for ROUND_MS: its latencies, and the hashes the miner did meanwhile. */
async function round(node: NetNode): Promise<Round> {
  const latencies: number[] = [];
  const cpuBefore = mainThreadCpuMs(node);
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
  return {
    latencies,
    hashes: last - first!,
    ms: performance.now() - started,
    cpuMs: mainThreadCpuMs(node) - cpuBefore,
  };
}

function summary(rounds: readonly Round[]): { p99Ms: number; hashRate: number; cpuShare: number } {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (f: (r: Round) => number): number => rounds.reduce((total, r) => total + f(r), 0);
  const ms = sum((r) => r.ms);
  return {
    p99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
    hashRate: (sum((r) => r.hashes) * 1000) / ms,
    cpuShare: sum((r) => r.cpuMs) / ms,
  };
}

test('orphan flood: four near-full microblocks a second on unknown parents leave GET /status p99 < 100 ms and cost the mining node < 5% of a core', async (t) => {
  const victim = await startNetNode(t, ['--mine', '--threads', '1', '--block-interval', '0']);
  // The attacker runs in its own process, so its work does not slow this one's measurements.
  const attacker = spawn(
    process.execPath,
    [...process.execArgv, FLOOD_PEER, victim.address, String(DISTINCT_ORPHANS), String(FLOOD_PER_S)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  // At the lowest priority, so its own CPU (building and encrypting 4 MB/s) is not taken from the victim.
  setPriority(attacker.pid!, 19);
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
  const report = (s: ReturnType<typeof summary>): string =>
    `p99 ${s.p99Ms.toFixed(1)} ms, ${s.hashRate.toFixed(1)} H/s, ${(s.cpuShare * 100).toFixed(1)}% CPU`;
  t.comment(`baseline: ${report(baseline)}`);
  t.comment(`flooded:  ${report(attacked)}`);
  t.comment(
    `hash rate under the flood: ${((attacked.hashRate / baseline.hashRate) * 100).toFixed(0)}% of baseline`,
  );
  t.ok(sent >= ROUNDS * (ROUND_MS / 1000) * FLOOD_PER_S * 0.8, `${sent} orphans sent`);
  await until(
    10_000,
    'the victim has seen the flood',
    async () => (await gossipSeen(victim, 'microblock')) >= seenBefore + sent,
  );
  t.ok(attacked.p99Ms < 100, `GET /status p99 under the flood: ${attacked.p99Ms.toFixed(1)} ms`);
  const floodCost = attacked.cpuShare - baseline.cpuShare;
  t.ok(
    floodCost < MAX_FLOOD_CPU_SHARE,
    `the flood costs the victim ${(floodCost * 100).toFixed(1)}% of a core (< ${MAX_FLOOD_CPU_SHARE * 100}%)`,
  );
  const peers = await peersOf(victim);
  t.same(peers.banned, [], 'an orphan is no offence');
  t.equal(peers.gossip.microblock.rejected, 0);
});
