// `altostream bench`: self-test yespower against the vectors, then measure
// the hash rate of the CPU miner on an impossible target, reporting per-thread
// and total rates every interval until the time limit or an abort.
import { CpuMiner } from '../crypto/cpu-miner.js';
import { ALTO_YESPOWER, HEADER_LENGTH, yespowerMemoryBytes } from '../crypto/pow.js';
import { selfTestYespower, type SelfTestResult } from '../crypto/self-test.js';

export interface BenchOptions {
  readonly threads: number;
  /** Seconds; undefined runs until the signal aborts. */
  readonly timeLimitS?: number;
  readonly intervalS: number;
}

export interface BenchProgress {
  readonly elapsedS: number;
  /** Hashes per second of each thread over the last interval. */
  readonly perThread: readonly number[];
  readonly total: number;
}

export interface BenchResult {
  readonly algorithm: 'yespower-1.0';
  readonly N: number;
  readonly r: number;
  readonly personalization: string;
  readonly threads: number;
  readonly mibPerThread: number;
  readonly seconds: number;
  readonly hashes: number;
  /** Total hashes per second over the whole run. */
  readonly hashrate: number;
  readonly perThread: readonly number[];
  readonly selfTest: { readonly passed: number; readonly failed: number };
}

export class SelfTestError extends Error {
  override readonly name = 'SelfTestError';
  constructor(readonly result: SelfTestResult) {
    super(
      `yespower self-test failed on ${result.failures.length} of ${result.passed + result.failures.length} vectors`,
    );
  }
}

export interface BenchHooks {
  onSelfTest?(result: SelfTestResult): void;
  onProgress?(progress: BenchProgress): void;
  readonly signal?: AbortSignal;
}

export async function runBenchmark(options: BenchOptions, hooks: BenchHooks = {}): Promise<BenchResult> {
  const selfTest = selfTestYespower();
  hooks.onSelfTest?.(selfTest);
  if (selfTest.failures.length > 0) throw new SelfTestError(selfTest);

  const miner = await CpuMiner.start({ threads: options.threads });
  try {
    return await measure(miner, options, hooks, selfTest);
  } finally {
    await miner.close();
  }
}

async function measure(
  miner: CpuMiner,
  options: BenchOptions,
  hooks: BenchHooks,
  selfTest: SelfTestResult,
): Promise<BenchResult> {
  const { threads } = options;
  const total = new Array<number>(threads).fill(0);
  const sinceReport = new Array<number>(threads).fill(0);
  miner.on('hashes', (report) => {
    total[report.thread]! += report.hashes;
    sinceReport[report.thread]! += report.hashes;
  });
  const errors: Error[] = [];
  miner.on('error', (error) => errors.push(error));

  // A zero target is never met, so the threads hash until told to stop.
  miner.mine({ header: new Uint8Array(HEADER_LENGTH), target: new Uint8Array(32) });
  const started = performance.now();
  let lastReport = started;

  await new Promise<void>((resolve) => {
    const finish = (): void => {
      clearInterval(ticker);
      clearTimeout(limit);
      hooks.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const ticker = setInterval(() => {
      const now = performance.now();
      const seconds = (now - lastReport) / 1000;
      const perThread = sinceReport.map((h) => h / seconds);
      sinceReport.fill(0);
      lastReport = now;
      hooks.onProgress?.({
        elapsedS: (now - started) / 1000,
        perThread,
        total: perThread.reduce((a, b) => a + b, 0),
      });
    }, options.intervalS * 1000);
    const limit =
      options.timeLimitS === undefined ? undefined : setTimeout(finish, options.timeLimitS * 1000);
    if (hooks.signal?.aborted === true) finish();
    hooks.signal?.addEventListener('abort', finish);
  });
  await miner.stop();
  if (errors.length > 0) throw new Error('a miner thread failed', { cause: errors[0] });

  const seconds = (performance.now() - started) / 1000;
  const hashes = total.reduce((a, b) => a + b, 0);
  return {
    algorithm: 'yespower-1.0',
    N: ALTO_YESPOWER.N,
    r: ALTO_YESPOWER.r,
    personalization: Buffer.from(ALTO_YESPOWER.pers).toString(),
    threads,
    mibPerThread: yespowerMemoryBytes() / 2 ** 20,
    seconds,
    hashes,
    hashrate: hashes / seconds,
    perThread: total.map((h) => h / seconds),
    selfTest: { passed: selfTest.passed, failed: selfTest.failures.length },
  };
}
