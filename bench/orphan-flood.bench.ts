// A mining node under the orphan flood of issue 13: a peer in its own process
// (test/helpers/flood-peer.ts, at the lowest priority) gossips four near-full
// microblocks a second on made-up parents. The node mines on testnet, where one
// thread hashes for minutes without finding a block, so the rate is the miner's
// alone (a devnet node would import its own blocks all the time). Quiet and
// flooded rounds alternate;
// each round's hash rate comes from GET /status `hashes`, and GET /status is
// timed meanwhile. FLOOD_ROUNDS (default 10) pairs of FLOOD_ROUND_MS (3000).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { encodeAddress } from '../src/protocol/address.js';
import { TESTNET } from '../src/protocol/params.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import { startNode, type BenchNode } from './node-process.js';

const FLOOD_PEER = fileURLToPath(new URL('../test/helpers/flood-peer.ts', import.meta.url));
const ROUNDS = Number(process.env.FLOOD_ROUNDS ?? 10);
const ROUND_MS = Number(process.env.FLOOD_ROUND_MS ?? 3000);
const PER_S = 4;

interface Status {
  readonly hashes: number;
  readonly listen: string[];
}

async function status(node: BenchNode): Promise<Status> {
  const response = await fetch(`${node.url}/status`);
  if (!response.ok) throw new Error(`GET /status: ${response.status}`);
  return (await response.json()) as Status;
}

/** One round: the hash rate over it, and GET /status latencies every 50 ms. */
async function round(node: BenchNode): Promise<{ hashRate: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const first = (await status(node)).hashes;
  let last = first;
  while (performance.now() - started < ROUND_MS) {
    const sent = performance.now();
    last = (await status(node)).hashes;
    latencies.push(performance.now() - sent);
    await delay(50);
  }
  return { hashRate: ((last - first) * 1000) / (performance.now() - started), latencies };
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const dir = mkdtempSync(join(tmpdir(), 'alto-flood-'));
  const node = await startNode(dir, [
    '--network',
    'testnet',
    '--payout',
    encodeAddress(TESTNET.hrp, randomBytes(20)),
    '--mine',
    '--threads',
    '1',
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
  ]);
  const attacker = spawn(
    process.execPath,
    [...process.execArgv, FLOOD_PEER, (await status(node)).listen[0]!, '64', String(PER_S), 'testnet'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  setPriority(attacker.pid!, 19);
  try {
    const ready = new Promise<void>((resolve) => {
      createInterface({ input: attacker.stdout }).on('line', (line) => {
        if (line.includes('"ready"')) resolve();
      });
    });
    await ready;
    while ((await status(node)).hashes === 0) await delay(100);
    const quiet: number[] = [];
    const flooded: number[] = [];
    const latencies = { quiet: [] as number[], flooded: [] as number[] };
    for (let i = 0; i < ROUNDS; i++) {
      const q = await round(node);
      attacker.stdin.write('go\n');
      const f = await round(node);
      attacker.stdin.write('stop\n');
      quiet.push(q.hashRate);
      flooded.push(f.hashRate);
      latencies.quiet.push(...q.latencies);
      latencies.flooded.push(...f.latencies);
      log(
        `[orphan flood] round ${i + 1}/${ROUNDS}: quiet ${q.hashRate.toFixed(1)} H/s, flooded ${f.hashRate.toFixed(1)} H/s`,
      );
    }
    const p99 = (l: number[]): string =>
      quantile(
        [...l].sort((a, b) => a - b),
        0.99,
      ).toFixed(1);
    log(
      `[orphan flood] GET /status p99: quiet ${p99(latencies.quiet)} ms, flooded ${p99(latencies.flooded)} ms`,
    );
    return [
      resultFromRounds(
        {
          title: `hash rate of a mining node, quiet rounds and rounds under ${PER_S} near-full orphan microblocks a second`,
          unit: 'H',
          candidates: [{ name: 'under the flood', ours: true }, { name: 'quiet' }],
        },
        [flooded, quiet],
      ),
    ];
  } finally {
    attacker.stdin.end();
    attacker.kill('SIGKILL');
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
