// The pwxform dependency chain that bounds yespower, our WASM against native
// C: assembly/bench/pwxform-chain.ts (the production gather()) and
// bench/native/pwxform-chain.c (the same loop with SSE2 intrinsics, gcc -O2),
// pwxforms per second in interleaved rounds. Both are built here on the fly;
// without a C compiler the measurement is skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchOptionsFromEnv, measureRates, type MeasurementResult, type RateCandidate } from './harness.js';

const root = new URL('../', import.meta.url);
const buildDir = new URL('bench/.build/', root);
const path = (relative: string): string => fileURLToPath(new URL(relative, root));

interface ChainExports {
  fill(): void;
  chain(n: number): number;
}

function wasmChain(): RateCandidate {
  const out = path('bench/.build/pwxform-chain.wasm');
  execFileSync(
    path('node_modules/.bin/asc'),
    [
      path('assembly/bench/pwxform-chain.ts'),
      '-o',
      out,
      '-O3',
      '--runtime',
      'stub',
      '--enable',
      'simd',
      '--noAssert',
      '--initialMemory',
      '8',
    ],
    { stdio: 'inherit' },
  );
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(out)), {
    env: {
      abort: () => {
        throw new Error('pwxform-chain aborted');
      },
    },
  });
  const chain = instance.exports as unknown as ChainExports;
  chain.fill();
  chain.chain(100_000);
  return {
    name: 'WASM pwxform chain',
    ours: true,
    rate: (ms) => {
      let done = 0;
      const start = performance.now();
      let now = start;
      while (now - start < ms) {
        chain.chain(20_000);
        done += 20_000;
        now = performance.now();
      }
      return Promise.resolve(done / ((now - start) / 1000));
    },
  };
}

function nativeChain(): RateCandidate | null {
  const binary = path('bench/.build/pwxform-chain');
  const built = spawnSync('cc', ['-O2', '-o', binary, path('bench/native/pwxform-chain.c')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) return null;
  return {
    name: 'native C pwxform chain (cc -O2)',
    rate: (ms) => {
      const run = spawnSync(binary, [String(ms)], { encoding: 'utf8' });
      const rate = Number(run.stdout.split(' ')[0]);
      if (run.status !== 0 || !(rate > 0)) throw new Error(`pwxform-chain failed: ${run.stderr}`);
      return Promise.resolve(rate);
    },
  };
}

export async function run(): Promise<MeasurementResult[]> {
  mkdirSync(buildDir, { recursive: true });
  const native = nativeChain();
  if (native === null) {
    benchOptionsFromEnv().log('[pwxform] no C compiler (cc): native comparison skipped');
    return [];
  }
  return [
    await measureRates({
      title: 'pwxform dependency chain: WASM vs native C',
      unit: 'pwxforms',
      candidates: [wasmChain(), native],
    }),
  ];
}
