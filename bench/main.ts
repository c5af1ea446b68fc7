// `npm run bench [-- --only hash,pow]`: runs each bench/<name>.bench.ts (all,
// or those named), writes its results to bench/results/<name>.json, and
// prints every table at the end. A bench module exports
// `run(): Promise<MeasurementResult[]>` and measures with ./harness.js.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { benchOptionsFromEnv, formatResult, writeResults, type MeasurementResult } from './harness.js';

interface BenchModule {
  run(): Promise<readonly MeasurementResult[]>;
}

const SUFFIX = '.bench.ts';

function isBenchModule(value: unknown): value is BenchModule {
  return (
    typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function'
  );
}

const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
const available = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith(SUFFIX))
  .map((file) => file.slice(0, -SUFFIX.length))
  .sort();
const only = values.only?.flatMap((list) => list.split(',')).filter((name) => name !== '');
const unknown = only?.filter((name) => !available.includes(name)) ?? [];
if (unknown.length > 0) {
  throw new Error(`no bench named ${unknown.join(', ')}; there are: ${available.join(', ')}`);
}
const selected = only === undefined ? available : available.filter((name) => only.includes(name));

const options = benchOptionsFromEnv();
options.log(
  `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, node ${process.version}; ` +
    `BENCH_ROUNDS=${options.rounds} BENCH_ROUND_MS=${options.roundMs}; running ${selected.join(', ')}`,
);

const reports: { name: string; results: readonly MeasurementResult[]; file: string }[] = [];
for (const name of selected) {
  const module: unknown = await import(new URL(`./${name}${SUFFIX}`, import.meta.url).href);
  if (!isBenchModule(module))
    throw new Error(`bench/${name}${SUFFIX} must export run(): Promise<MeasurementResult[]>`);
  const results = await module.run();
  reports.push({ name, results, file: writeResults(name, results, options) });
}

for (const { name, results, file } of reports) {
  process.stdout.write(`\n== ${name} (${file}) ==\n\n`);
  for (const result of results) process.stdout.write(`${formatResult(result)}\n`);
}
