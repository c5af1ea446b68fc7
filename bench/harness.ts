// Side-by-side measurements in one process. Each measurement runs its
// candidates in interleaved rounds (a warm-up round first, then round-robin,
// the starting candidate rotating), each candidate for a fixed wall time per
// round, so a slow phase of the machine hits every candidate alike. Results
// are medians over rounds with their spread, and ratios ours ÷ each peer.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Candidate {
  readonly name: string;
  /** Runs the work once; the result is kept so the call cannot be optimized away. */
  readonly fn: () => unknown;
  /** Operations one call of `fn` performs (default 1). */
  readonly opsPerCall?: number;
  /** The implementation under test; exactly one candidate per measurement. */
  readonly ours?: boolean;
}

export interface Measurement {
  readonly title: string;
  /** What one operation is, for the tables: 'headers', 'hashes', … */
  readonly unit: string;
  readonly candidates: readonly Candidate[];
}

export interface CandidateResult {
  readonly name: string;
  readonly ours: boolean;
  /** Operations per second of each recorded round, in round order. */
  readonly rounds: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max − min) / median, in percent. */
  readonly rangePct: number;
  /** Interquartile range / median, in percent. */
  readonly iqrPct: number;
}

export interface Ratio {
  readonly peer: string;
  /** median(ours) ÷ median(peer). */
  readonly ratio: number;
  /** The per-round ratios ours_r ÷ peer_r (rounds are interleaved, so pairs share machine conditions). */
  readonly pairedMedian: number;
  readonly pairedMin: number;
  readonly pairedMax: number;
}

export interface MeasurementResult {
  readonly title: string;
  readonly unit: string;
  readonly candidates: readonly CandidateResult[];
  readonly ratios: readonly Ratio[];
}

export interface BenchOptions {
  /** Wall time of one candidate in one round. */
  readonly roundMs: number;
  /** Recorded rounds after the warm-up round. */
  readonly rounds: number;
  readonly log: (line: string) => void;
}

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Defaults, overridden by BENCH_ROUND_MS and BENCH_ROUNDS. */
export function benchOptionsFromEnv(): BenchOptions {
  return {
    roundMs: positiveIntegerFromEnv('BENCH_ROUND_MS', 500),
    rounds: positiveIntegerFromEnv('BENCH_ROUNDS', 7),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** Holds the last result of every call, so no call is dead code to the JIT. */
const sink: unknown[] = [undefined];

/** Calls `fn` in batches until `ms` have passed; returns operations per second. */
function timeRound(candidate: Candidate, batch: number, ms: number): { opsPerSec: number; calls: number } {
  const { fn } = candidate;
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  let now: number;
  do {
    for (let i = 0; i < batch; i++) sink[0] = fn();
    calls += batch;
    now = performance.now();
  } while (now < end);
  const seconds = (now - start) / 1000;
  return { opsPerSec: (calls * (candidate.opsPerCall ?? 1)) / seconds, calls };
}

/** The q-quantile of sorted values, interpolated between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

function summarize(name: string, ours: boolean, rounds: readonly number[]): CandidateResult {
  const sorted = [...rounds].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return {
    name,
    ours,
    rounds,
    median,
    min,
    max,
    rangePct: ((max - min) / median) * 100,
    iqrPct: ((quantile(sorted, 0.75) - quantile(sorted, 0.25)) / median) * 100,
  };
}

export function formatRate(opsPerSec: number): string {
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(2)} M/s`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(1)} k/s`;
  return `${opsPerSec.toFixed(1)} /s`;
}

/** Runs one measurement: a warm-up round, then `rounds` interleaved rounds. */
export function measure(
  measurement: Measurement,
  options: BenchOptions = benchOptionsFromEnv(),
): MeasurementResult {
  const { title, candidates } = measurement;
  ourIndexOf(measurement);
  const n = candidates.length;
  // Warm-up: lets the JIT settle and sizes each batch to about 1 ms between clock reads.
  const batches = candidates.map((candidate) => {
    const { calls } = timeRound(candidate, 1, options.roundMs);
    return Math.max(1, Math.round(calls / options.roundMs));
  });
  options.log(`[${title}] warm-up done; ${options.rounds} rounds × ${n} × ${options.roundMs} ms`);

  const perCandidate: number[][] = candidates.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < n; k++) {
      const i = (round + k) % n;
      perCandidate[i]!.push(timeRound(candidates[i]!, batches[i]!, options.roundMs).opsPerSec);
    }
    const line = candidates.map((c, i) => `${c.name} ${formatRate(perCandidate[i]![round]!)}`).join(' | ');
    options.log(`[${title}] round ${round + 1}/${options.rounds}: ${line}`);
  }

  return compare(measurement, perCandidate);
}

/** A candidate that measures itself: runs for about `ms` and returns operations per second. */
export interface RateCandidate {
  readonly name: string;
  readonly rate: (ms: number) => Promise<number>;
  readonly ours?: boolean;
}

export interface RateMeasurement {
  readonly title: string;
  readonly unit: string;
  readonly candidates: readonly RateCandidate[];
}

/** measure() for work that is asynchronous (worker threads): same warm-up, rounds and ratios. */
export async function measureRates(
  measurement: RateMeasurement,
  options: BenchOptions = benchOptionsFromEnv(),
): Promise<MeasurementResult> {
  const { title, candidates } = measurement;
  ourIndexOf(measurement);
  const n = candidates.length;
  for (const candidate of candidates) await candidate.rate(options.roundMs);
  options.log(`[${title}] warm-up done; ${options.rounds} rounds × ${n} × ${options.roundMs} ms`);
  const perCandidate: number[][] = candidates.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < n; k++) {
      const i = (round + k) % n;
      perCandidate[i]!.push(await candidates[i]!.rate(options.roundMs));
    }
    const line = candidates.map((c, i) => `${c.name} ${formatRate(perCandidate[i]![round]!)}`).join(' | ');
    options.log(`[${title}] round ${round + 1}/${options.rounds}: ${line}`);
  }
  return compare(measurement, perCandidate);
}

function ourIndexOf(measurement: {
  readonly title: string;
  readonly candidates: readonly { ours?: boolean }[];
}): number {
  const { title, candidates } = measurement;
  const ourIndex = candidates.findIndex((c) => c.ours === true);
  if (ourIndex === -1 || candidates.filter((c) => c.ours === true).length !== 1) {
    throw new Error(`${title}: mark exactly one candidate as ours`);
  }
  return ourIndex;
}

/** Medians, spreads and ratios ours ÷ each peer from per-round rates measured by the caller. */
export function resultFromRounds(
  measurement: {
    readonly title: string;
    readonly unit: string;
    readonly candidates: readonly { name: string; ours?: boolean }[];
  },
  perCandidate: readonly (readonly number[])[],
): MeasurementResult {
  return compare(measurement as RateMeasurement, perCandidate);
}

/** Medians, spreads and ratios ours ÷ each peer from per-round rates. */
function compare(
  measurement: Measurement | RateMeasurement,
  perCandidate: readonly (readonly number[])[],
): MeasurementResult {
  const { title, candidates } = measurement;
  const ourIndex = ourIndexOf(measurement);
  const results = candidates.map((c, i) => summarize(c.name, c.ours === true, perCandidate[i]!));
  const ours = perCandidate[ourIndex]!;
  const ratios = candidates.flatMap((c, i): Ratio[] => {
    if (i === ourIndex) return [];
    const paired = ours.map((value, r) => value / perCandidate[i]![r]!).sort((a, b) => a - b);
    return [
      {
        peer: c.name,
        ratio: results[ourIndex]!.median / results[i]!.median,
        pairedMedian: quantile(paired, 0.5),
        pairedMin: paired[0]!,
        pairedMax: paired[paired.length - 1]!,
      },
    ];
  });
  return { title, unit: measurement.unit, candidates: results, ratios };
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Writes bench/results/<name>.json and returns its path. */
export function writeResults(
  name: string,
  results: readonly MeasurementResult[],
  options: BenchOptions,
): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  const report = {
    name,
    date: new Date().toISOString(),
    machine: machine(),
    node: process.version,
    v8: process.versions.v8,
    roundMs: options.roundMs,
    rounds: options.rounds,
    measurements: results,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file.pathname;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: readonly string[]): string =>
    row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The per-candidate table and the ratio table of one measurement. */
export function formatResult(result: MeasurementResult): string {
  const rates = table([
    ['candidate', `median ${result.unit}/s`, 'spread min–max', 'IQR'],
    ...result.candidates.map((c) => [
      `${c.name}${c.ours ? ' (ours)' : ''}`,
      formatRate(c.median),
      `${c.rangePct.toFixed(1)}%`,
      `${c.iqrPct.toFixed(1)}%`,
    ]),
  ]);
  const ratios = table([
    ['ours ÷ peer', 'ratio of medians', 'per-round median', 'per-round min–max'],
    ...result.ratios.map((r) => [
      r.peer,
      `${r.ratio.toFixed(2)}×`,
      `${r.pairedMedian.toFixed(2)}×`,
      `${r.pairedMin.toFixed(2)}–${r.pairedMax.toFixed(2)}×`,
    ]),
  ]);
  return `${result.title}\n\n${rates}\n\n${ratios}\n`;
}
