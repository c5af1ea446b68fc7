// One benchmark thread (a module Web Worker): loads the node's yespower
// WebAssembly into its own instance, self-tests it against every vector, then
// scans nonces of the chain's yespower (N = 2048, r = 32, "Altostream") for the
// time asked, in chunks of about CHUNK_MS so its progress shows as it goes —
// the loop of crypto/miner-worker.ts, in a browser.
import { ALTO_YESPOWER, HEADER_LENGTH, TARGET_LENGTH, scanNonces, yespower } from '../crypto/pow.js';
import { initWasm } from '../crypto/wasm.js';
import { YESPOWER_VECTORS } from '../crypto/yespower-vectors.js';
import type { FromBenchWorker, StartBench, WasmBuild } from './bench-protocol.js';
import { checkVectors, describeFailure } from './self-test.js';

/** Milliseconds of hashing between progress reports. */
export const CHUNK_MS = 200;

function send(message: FromBenchWorker): void {
  self.postMessage(message);
}

const pause = (): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, 0);
  });

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The SIMD build, as the node's miner runs it; a browser without WebAssembly SIMD (Safari before
 * 16.4) refuses to compile it and gets the scalar build, as cpuminer-opt picks the build the CPU has.
 */
async function load(urls: StartBench['wasmUrls']): Promise<WasmBuild> {
  try {
    await initWasm(fetch(urls.simd));
    return 'simd';
  } catch (simdError) {
    try {
      await initWasm(fetch(urls.scalar));
      return 'scalar';
    } catch (scalarError) {
      throw new Error(`${urls.simd}: ${reason(simdError)}; ${urls.scalar}: ${reason(scalarError)}`, {
        cause: scalarError,
      });
    }
  }
}

async function run(start: StartBench): Promise<void> {
  let build: WasmBuild;
  try {
    build = await load(start.wasmUrls);
  } catch (error) {
    send({ type: 'error', code: 'wasm-load-failed', message: `could not load yespower: ${reason(error)}` });
    return;
  }
  const check = checkVectors(yespower, YESPOWER_VECTORS);
  send({ type: 'self-test', build, total: check.total, failures: check.failures.map(describeFailure) });
  if (check.failures.length > 0) return;

  const header = new Uint8Array(HEADER_LENGTH);
  new DataView(header.buffer).setUint32(0, start.thread, true);
  // An all-zero target is met by no hash in practice: every nonce of a chunk is hashed.
  const target = new Uint8Array(TARGET_LENGTH);
  let nonce = 0;
  const hashChunk = (count: number): number => {
    if (nonce + count > 0x1_0000_0000) nonce = 0; // a u32 nonce range (pow.ts checks it)
    const hit = scanNonces(header, target, nonce, count, ALTO_YESPOWER);
    const done = hit === null ? count : hit.nonce - nonce + 1;
    nonce += done;
    return done;
  };
  // Warm-up: the first hash grows memory for yespower's V array and is not counted.
  const warm = performance.now();
  hashChunk(1);
  let perMs = 1 / Math.max(performance.now() - warm, 0.001);

  let hashes = 0;
  const began = performance.now();
  for (;;) {
    const count = Math.max(1, Math.floor(perMs * CHUNK_MS));
    const chunkStart = performance.now();
    const done = hashChunk(count);
    const now = performance.now();
    perMs = done / Math.max(now - chunkStart, 0.001);
    hashes += done;
    const elapsedMs = now - began;
    if (elapsedMs >= start.durationMs) {
      send({ type: 'done', hashes, elapsedMs });
      return;
    }
    send({ type: 'progress', hashes, elapsedMs });
    await pause(); // lets the page's terminate() and the event loop in between chunks
  }
}

self.addEventListener('message', (event: MessageEvent<Partial<StartBench>>) => {
  if (event.data.type !== 'start') return;
  run(event.data as StartBench).catch((error: unknown) => {
    send({
      type: 'error',
      code: 'bench-failed',
      message: reason(error),
    });
  });
});
