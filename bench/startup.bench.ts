// Start-up on a long chain: a regtest data dir of N blocks (one key block, then
// 19 microblocks of one transfer each, repeated), then the node process from
// spawn to its API answering, and its resident memory right after. The data
// dirs are built once into bench/.build/startup/ (minutes for 100,000 blocks:
// each key block needs its yespower hashes) and reused; STARTUP_BLOCKS sets the
// sizes (default 25000,50000,100000).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Chain } from '../src/chain/chain.js';
import { REGTEST } from '../src/protocol/params.js';
import { Storage } from '../src/storage/db.js';
import { CHAIN_DIR } from '../src/node/node.js';
import { benchOptionsFromEnv, quantile, resultFromRounds, type MeasurementResult } from './harness.js';
import { startNode } from './node-process.js';
import { DEFAULT_SHAPE, growChain } from '../test/helpers/long-chain.js';

const params = REGTEST;
const STARTS = 3;
const CACHE = fileURLToPath(new URL('./.build/startup/', import.meta.url));

/** bench/.build/startup/<n>: a data dir of n blocks, built (from the next smaller one) if missing. */
function dataDir(n: number, smaller: number | undefined, log: (line: string) => void): string {
  const dir = join(CACHE, String(n));
  if (existsSync(join(dir, 'complete'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  if (smaller !== undefined) cpSync(join(CACHE, String(smaller)), dir, { recursive: true });
  else mkdirSync(join(dir, CHAIN_DIR), { recursive: true });
  rmSync(join(dir, 'complete'), { force: true });
  const storage = Storage.open(join(dir, CHAIN_DIR), { durable: false });
  const chain = Chain.open(storage, { params, now: () => Date.now() + 10 * 365 * 86_400_000 });
  const started = performance.now();
  let reported = performance.now();
  growChain(chain, n, smaller ?? 0, DEFAULT_SHAPE, (built) => {
    if (performance.now() - reported < 10_000) return;
    reported = performance.now();
    log(`[startup] building: ${built} of ${n} blocks`);
  });
  void storage.close();
  log(`[startup] built ${n} blocks in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(join(dir, 'complete'), `${n}\n`);
  return dir;
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? NaN : Number(match[1]) / 1024;
}

export async function run(): Promise<MeasurementResult[]> {
  const { log } = benchOptionsFromEnv();
  const sizes = (process.env.STARTUP_BLOCKS ?? '25000,50000,100000').split(',').map(Number);
  const rows: { blocks: number; medianMs: number; rssMiB: number }[] = [];
  let smaller: number | undefined;
  for (const n of sizes) {
    const dir = dataDir(n, smaller, log);
    smaller = n;
    const times: number[] = [];
    let rss = 0;
    for (let i = 0; i < STARTS; i++) {
      const started = performance.now();
      const node = await startNode(dir, ['--no-mine']);
      times.push(performance.now() - started);
      rss = rssMiB(node.pid);
      await node.stop();
    }
    times.sort((a, b) => a - b);
    const medianMs = quantile(times, 0.5);
    rows.push({ blocks: n, medianMs, rssMiB: rss });
    log(
      `[startup] ${n} blocks: API ready in ${(medianMs / 1000).toFixed(2)} s (median of ${STARTS}), RSS ${rss.toFixed(0)} MiB`,
    );
  }
  process.stdout.write('\nstart-up on a long chain (spawn → API answering, --no-mine)\n\n');
  process.stdout.write('blocks    API ready   per 10 k blocks   RSS after start\n');
  for (const r of rows) {
    process.stdout.write(
      `${String(r.blocks).padEnd(9)} ${`${(r.medianMs / 1000).toFixed(2)} s`.padEnd(11)} ${`${((r.medianMs / r.blocks) * 10_000).toFixed(0)} ms`.padEnd(17)} ${r.rssMiB.toFixed(0)} MiB\n`,
    );
  }
  return [
    resultFromRounds(
      {
        title: 'start-up: blocks loaded per second to API ready',
        unit: 'block',
        candidates: [{ name: 'node', ours: true }],
      },
      [rows.map((r) => (r.blocks / r.medianMs) * 1000)],
    ),
  ];
}
