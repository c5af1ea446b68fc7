// A mining node's hash rate with and without an attack, measured in quiet and
// attacked rounds that alternate, so a change in the machine's load (tap runs
// another test file beside this one on 2 cores) falls on both sides alike, and
// judged by the median of the pairs' ratios, which a passing burst of load
// cannot move. The files that use it are in package.json's tap `serial` list:
// tap runs them alone, not beside another test file.
//
// The node mines on testnet: at its genesis difficulty (~65,000 hashes a key
// block) one thread hashes for minutes without finding a block, so the rate is
// the miner's alone; a devnet node with no pacing would find dozens of blocks a
// second and spend its main thread importing them.
import { randomBytes } from 'node:crypto';
import { encodeAddress } from '../../src/protocol/address.js';
import { TESTNET } from '../../src/protocol/params.js';
import { mainThreadCpuMs } from './flood.js';
import { getJson, startNetNode, until, type NetNode, type Owner } from './network.js';

/** A testnet node hashing on one thread (to a random payout address), once its miner has reported hashes. */
export async function startHashingNode(owner: Owner, args: readonly string[] = []): Promise<NetNode> {
  const payout = encodeAddress(TESTNET.hrp, randomBytes(20));
  const node = await startNetNode(owner, [
    '--network',
    'testnet',
    '--mine',
    '--threads',
    '1',
    '--payout',
    payout,
    ...args,
  ]);
  await until(20_000, 'the miner hashes', async () => (await hashes(node)) > 0);
  return node;
}

const hashes = async (node: NetNode): Promise<number> =>
  (await getJson<{ hashes: number }>(`${node.url}/status`)).hashes;

export interface Round {
  /** GET /status latencies, one request every 50 ms. */
  readonly latencies: number[];
  readonly hashes: number;
  readonly ms: number;
  /** CPU the node's main thread used meanwhile (gossip, chain, API; not the miner's threads). */
  readonly cpuMs: number;
}

/** Polls GET /status every 50 ms for `ms`: its latencies, and the hashes the miner did meanwhile. */
export async function measureRound(node: NetNode, ms: number): Promise<Round> {
  const latencies: number[] = [];
  const cpuBefore = mainThreadCpuMs(node);
  const started = performance.now();
  let first: number | null = null;
  let last = 0;
  while (performance.now() - started < ms) {
    const sent = performance.now();
    last = await hashes(node);
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

export interface Summary {
  readonly p99Ms: number;
  readonly hashRate: number;
  /** Main-thread CPU over wall time. */
  readonly cpuShare: number;
}

export function summarize(rounds: readonly Round[]): Summary {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (f: (r: Round) => number): number => rounds.reduce((total, r) => total + f(r), 0);
  const ms = sum((r) => r.ms);
  return {
    p99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
    hashRate: (sum((r) => r.hashes) * 1000) / ms,
    cpuShare: sum((r) => r.cpuMs) / ms,
  };
}

export const describeSummary = (s: Summary): string =>
  `p99 ${s.p99Ms.toFixed(1)} ms, ${s.hashRate.toFixed(1)} H/s, main thread ${(s.cpuShare * 100).toFixed(1)}% CPU`;

export interface Attack {
  /** Unmeasured set-up before each attacked round (e.g. a fresh peer dials the node). */
  prepare?(): Promise<void>;
  /** Starts the attack as the attacked round starts. */
  start(): void;
  /** Ends it after the round; what it returns is awaited unmeasured. */
  stop(): unknown;
}

export interface Alternated {
  readonly quiet: Summary;
  readonly attacked: Summary;
  /** Each pair's attacked hash rate over its quiet one, in pair order. */
  readonly pairRatios: number[];
  /**
   * The median of the pair ratios: what the tests hold to a bound. A burst of load from
   * elsewhere (another test file starting) skews the pair it falls in, not the median.
   */
  readonly medianRatio: number;
}

/** `count` pairs of a quiet round and an attacked one, `roundMs` each. */
export async function alternateRounds(
  node: NetNode,
  attack: Attack,
  count: number,
  roundMs: number,
): Promise<Alternated> {
  const quiet: Round[] = [];
  const attacked: Round[] = [];
  for (let i = 0; i < count; i++) {
    quiet.push(await measureRound(node, roundMs));
    await attack.prepare?.();
    attack.start();
    attacked.push(await measureRound(node, roundMs));
    await attack.stop();
  }
  const rate = (r: Round): number => r.hashes / r.ms;
  const pairRatios = quiet.map((q, i) => rate(attacked[i]!) / rate(q));
  const sorted = [...pairRatios].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianRatio = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { quiet: summarize(quiet), attacked: summarize(attacked), pairRatios, medianRatio };
}
