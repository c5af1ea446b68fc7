// `altostream bench [--threads N] [--time-limit S] [--json]`
import { parseArgs } from 'node:util';
import { runBenchmark, SelfTestError, type BenchResult } from '../node/bench.js';
import { MAX_MINER_THREADS, defaultThreads, parseIntegerFlag, parseSecondsFlag } from '../node/config.js';
import { joinNegativeValues } from './args.js';
import type { CommandIo } from './io.js';

export const BENCH_USAGE = `Usage: altostream bench [options]

Checks yespower 1.0 against its test vectors, then measures the CPU miner's
hash rate (N=2048, r=32, "Altostream") until the time limit or Ctrl-C.

Options:
  --threads N       mining threads (default: ${defaultThreads()}, the available parallelism)
  --time-limit S    stop after S seconds and exit 0
  --json            print one JSON result object on stdout (progress goes to stderr)
  -h, --help        show this help

Exit codes: 0 ok (also at the time limit or Ctrl-C); 1 the self-test failed;
2 bad usage (an unknown flag, a bad value).`;

const INTERVAL_S = 5;

const OPTIONS = {
  threads: { type: 'string' },
  'time-limit': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function benchCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: joinNegativeValues(args, OPTIONS),
    options: OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(BENCH_USAGE);
    return 0;
  }
  const threads =
    values.threads === undefined
      ? defaultThreads()
      : parseIntegerFlag('threads', values.threads, 1, MAX_MINER_THREADS);
  const timeLimit = values['time-limit'];
  const timeLimitS = timeLimit === undefined ? undefined : parseSecondsFlag('time-limit', timeLimit);
  // With --json, stdout carries only the result object.
  const say = values.json ? io.err : io.out;

  let result: BenchResult;
  try {
    result = await runBenchmark(
      { threads, intervalS: INTERVAL_S, ...(timeLimitS === undefined ? {} : { timeLimitS }) },
      {
        signal: io.signal,
        onSelfTest: (test) => {
          say(`yespower self-test: ${test.passed}/${test.passed + test.failures.length} vectors pass`);
        },
        onProgress: (progress) => {
          const perThread = progress.perThread.map((rate, i) => `thread ${i + 1}: ${rate.toFixed(1)} H/s`);
          say(
            `[${progress.elapsedS.toFixed(0)} s] ${perThread.join(', ')}, total: ${progress.total.toFixed(1)} H/s`,
          );
        },
      },
    );
  } catch (error) {
    if (!(error instanceof SelfTestError)) throw error;
    for (const failure of error.result.failures) {
      const v = failure.vector;
      io.err(
        `  FAIL ${v.set} N=${v.N} r=${v.r} input=${v.input.slice(0, 16)}…: got ${failure.got}, want ${v.hash}`,
      );
    }
    io.err(
      `${error.message}: refusing to report a hash rate. Rebuild the WASM (npm run build:wasm) and retry.`,
    );
    return 1;
  }
  const summary = `Benchmark: ${result.hashrate.toFixed(2)} H/s (${result.threads} threads, ${result.mibPerThread} MiB/thread)`;
  if (values.json) io.out(JSON.stringify(result));
  else io.out(summary);
  return 0;
}
