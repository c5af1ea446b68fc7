// yespower 1.0 (N=2048, r=32, "Altostream") hash rate, hashes/s:
//   (a) one thread: our SIMD build against our scalar build of the same source;
//   (b) the CPU miner with 2 threads against 1 (the scaling of the worker pool).
// Native yespower-opt on this machine, from the issue: 335 H/s per thread (SSE2),
// 356 scalar, 665–695 H/s on 2 threads; the ratios here are ours ÷ ours.
import { CpuMiner } from '../src/crypto/cpu-miner.js';
import { ALTO_YESPOWER, HEADER_LENGTH } from '../src/crypto/pow.js';
import { instantiateWasm, type WasmVariant } from '../src/crypto/wasm.js';
import {
  measure,
  measureRates,
  type Candidate,
  type MeasurementResult,
  type RateCandidate,
} from './harness.js';

function singleThread(variant: WasmVariant, ours: boolean): Candidate {
  const core = instantiateWasm(variant);
  core.bytes().set(ALTO_YESPOWER.pers, core.input);
  if (core.exports.yespowerParams(ALTO_YESPOWER.N, ALTO_YESPOWER.r, ALTO_YESPOWER.pers.length) !== 0) {
    throw new Error('yespower parameters refused');
  }
  const header = new Uint8Array(HEADER_LENGTH);
  let nonce = 0;
  return {
    name: `${variant} build, 1 thread`,
    ours,
    fn: () => {
      header[76] = nonce++ & 0xff;
      core.bytes().set(header, core.input);
      core.exports.yespowerInput(HEADER_LENGTH);
      return core.bytes()[core.digest];
    },
  };
}

/** The miner hashing an impossible target for `ms`; the rate counts hashes the threads reported. */
function minerCandidate(miner: CpuMiner, ours: boolean): RateCandidate {
  return {
    name: `miner, ${miner.threadCount} thread${miner.threadCount > 1 ? 's' : ''}`,
    ours,
    rate: async (ms) => {
      let hashes = 0;
      const count = (report: { hashes: number }): void => {
        hashes += report.hashes;
      };
      miner.on('hashes', count);
      const started = performance.now();
      miner.mine({ header: new Uint8Array(HEADER_LENGTH), target: new Uint8Array(32) });
      await new Promise((resolve) => setTimeout(resolve, ms));
      await miner.stop();
      const seconds = (performance.now() - started) / 1000;
      miner.off('hashes', count);
      return hashes / seconds;
    },
  };
}

export async function run(): Promise<MeasurementResult[]> {
  const single = measure({
    title: 'yespower, 1 thread: SIMD vs scalar build',
    unit: 'hashes',
    candidates: [singleThread('simd', true), singleThread('scalar', false)],
  });
  const one = await CpuMiner.start({ threads: 1 });
  const two = await CpuMiner.start({ threads: 2 });
  try {
    const scaling = await measureRates({
      title: 'yespower miner: 2 threads vs 1',
      unit: 'hashes',
      candidates: [minerCandidate(two, true), minerCandidate(one, false)],
    });
    return [single, scaling];
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
}
