// Many request/response streams at once on one libp2p connection, and an
// open-loop poller that measures an HTTP route's latency meanwhile: a request
// every few milliseconds whether or not the last one has returned, so a stall
// shows as many slow requests, not one.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Connection } from '@libp2p/interface';
import { byteStream } from 'it-byte-stream';
import { protocolName } from '../../src/p2p/reqresp.js';
import { MAX_BLOCK_MESSAGE, encodeRangeRequest, encodeStatus, frame, readFrame } from '../../src/p2p/wire.js';
import type { NetworkName } from '../../src/protocol/params.js';
import { genesisStatus } from './test-peer.js';

export interface BurstResult {
  /** Streams the node answered to the end, refused (reset or closed unanswered), or our side could not open. */
  readonly served: number;
  readonly refused: number;
  readonly unopened: number;
}

/** One request on a new stream: 'served' if at least one message came back. */
async function request(
  connection: Connection,
  protocol: string,
  body: Uint8Array,
): Promise<keyof BurstResult> {
  const signal = AbortSignal.timeout(20_000);
  let stream;
  try {
    stream = await connection.newStream(protocol, { signal, maxOutboundStreams: 100_000 });
  } catch {
    return 'unopened';
  }
  try {
    const bytes = byteStream(stream);
    await bytes.write(frame(body), { signal });
    let messages = 0;
    while ((await readFrame(bytes, MAX_BLOCK_MESSAGE, { signal })) !== null) messages++;
    await stream.close({ signal });
    return messages > 0 ? 'served' : 'refused';
  } catch {
    stream.abort(new Error('burst over'));
    return 'refused';
  }
}

/** `count` requests, half status, half half blocks-by-range requests from the genesis block on. */
export function burstRequests(network: NetworkName, count: number): { protocol: string; body: Uint8Array }[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? { protocol: protocolName(network, 'status'), body: encodeStatus(genesisStatus(network)) }
      : {
          protocol: protocolName(network, 'blocks-by-range'),
          body: encodeRangeRequest({ keyHeight: 0n, startIndex: 0, maxEpochs: 64 }),
        },
  );
}

/** Opens one stream per entry of `requests` at once on `connection`; resolves when every one has ended. */
export async function burst(
  connection: Connection,
  requests: readonly { readonly protocol: string; readonly body: Uint8Array }[],
): Promise<BurstResult> {
  const outcomes = await Promise.all(requests.map((r) => request(connection, r.protocol, r.body)));
  const count = (what: keyof BurstResult): number => outcomes.filter((o) => o === what).length;
  return { served: count('served'), refused: count('refused'), unopened: count('unopened') };
}

export interface Latencies {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly failed: number;
}

/**
 * The poller runs in a worker thread, so what keeps the test's own thread busy
 * (opening a thousand streams) does not delay its requests or its clock.
 */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const times = [];
let failed = 0;
const inFlight = [];
const timer = setInterval(() => {
  const started = performance.now();
  inFlight.push(
    fetch(workerData.url, { signal: AbortSignal.timeout(10000) }).then(
      async (response) => {
        await response.arrayBuffer();
        if (response.ok) times.push(performance.now() - started);
        else failed++;
      },
      () => { failed++; },
    ),
  );
}, workerData.everyMs);
parentPort.once('message', async () => {
  clearInterval(timer);
  await Promise.all(inFlight);
  parentPort.postMessage({ times, failed });
});
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

/**
 * GETs `url` every `everyMs` from a worker thread until `done` settles, then
 * waits for the requests in flight; the latencies in ms.
 */
export async function pollLatency(url: string, everyMs: number, done: Promise<unknown>): Promise<Latencies> {
  const worker = new Worker(POLLER, { eval: true, workerData: { url, everyMs } });
  try {
    await done;
  } finally {
    worker.postMessage('stop');
  }
  const [result] = (await once(worker, 'message')) as [{ times: number[]; failed: number }];
  await worker.terminate();
  const sorted = [...result.times].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    failed: result.failed,
  };
}
