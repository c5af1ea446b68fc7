// One CPU-miner thread: its own WASM instance, scanning the nonce slice it is
// given in chunks of about CHUNK_MS, yielding to its message queue between
// chunks so a new job or a stop takes effect within one chunk.
import { parentPort, workerData } from 'node:worker_threads';
import { scanNonces, type YespowerParams } from './pow.js';
import type { ToWorker, FromWorker, WorkerInit } from './miner-protocol.js';

const CHUNK_MS = 20;

interface ActiveJob {
  readonly generation: number;
  readonly header: Uint8Array;
  readonly target: Uint8Array;
  next: number;
  readonly end: number;
}

const port = parentPort;
if (port === null) throw new Error('miner-worker must run in a worker thread');
const init = workerData as WorkerInit;
const params: YespowerParams = { N: init.N, r: init.r, pers: new Uint8Array(init.pers) };

let job: ActiveJob | null = null;
let scheduled = false;
// Hashes per millisecond, learned from the last chunk; sizes the next one.
let ratePerMs = 0;

function send(message: FromWorker): void {
  port!.postMessage(message);
}

function scanChunk(): void {
  scheduled = false;
  const active = job;
  if (active === null) return;
  const count = Math.max(1, Math.min(active.end - active.next, Math.floor(ratePerMs * CHUNK_MS)));
  const started = performance.now();
  const hit = scanNonces(active.header, active.target, active.next, count, params);
  const elapsedMs = performance.now() - started;
  const hashes = hit === null ? count : hit.nonce - active.next + 1;
  ratePerMs = hashes / Math.max(elapsedMs, 0.001);
  active.next += hashes;
  send({ type: 'hashes', generation: active.generation, hashes, elapsedMs });
  if (hit !== null) {
    job = null;
    send({ type: 'found', generation: active.generation, nonce: hit.nonce, hash: hit.hash });
  } else if (active.next >= active.end) {
    job = null;
    send({ type: 'exhausted', generation: active.generation });
  } else {
    schedule();
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(scanChunk);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'job':
      job = {
        generation: message.generation,
        header: message.header,
        target: message.target,
        next: message.start,
        end: message.end,
      };
      schedule();
      break;
    case 'stop':
      job = null;
      send({ type: 'stopped', generation: message.generation });
      break;
  }
});

send({ type: 'ready' });
