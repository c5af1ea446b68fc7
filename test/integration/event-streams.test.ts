// GET /events at scale against a real node process: 200 clients open a replay
// from genesis of a 10,000-block chain and never read. The node holds at most
// its stream cap (--api-max-streams 50) and refuses the rest with 503 too-many-streams; its
// memory stays bounded, other clients are served promptly, and a client that
// does read receives the whole replay, in order.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { REGTEST } from '../../src/protocol/params.js';
import { Storage } from '../../src/storage/db.js';
import { growChain } from '../helpers/long-chain.js';
import { NodeProcess } from '../helpers/node-process.js';
import { SseClient } from '../helpers/sse.js';
import { tempDir } from '../helpers/temp-dir.js';

const BLOCKS = 10_000;
const IDLE_CLIENTS = 200;
const MAX_STREAMS = 50; // --api-max-streams
/** What 200 idle streams may add to the node's resident memory (decision in docs/decisions.md). */
const RSS_BOUND_MIB = 256;

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? NaN) / 1024;
}

/** Sends GET `path` and reads only the first chunk of the answer (its status line), then stops reading. */
function idleClient(port: number, path: string): Promise<{ socket: Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      socket.pause(); // from here on the client never reads: the node's writes back up
      resolve({ socket, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'))?.[1]) });
    });
  });
}

test(`event streams: ${IDLE_CLIENTS} never-reading replays of a ${BLOCKS}-block chain keep the node bounded and responsive; past ${MAX_STREAMS} streams, 503`, async (t) => {
  const datadir = tempDir((fn) => {
    t.teardown(fn);
  });
  const storage = Storage.open(join(datadir, 'chain'), { durable: false });
  const chain = Chain.open(storage, { params: REGTEST, now: () => Date.now() });
  growChain(chain, BLOCKS, 0, { blocksPerEpoch: 100, txsPerMicroblock: 0 });
  const tip = chain.tip.hex;
  await storage.close();

  const { proc, url } = await NodeProcess.start([
    '--datadir',
    datadir,
    '--no-mine',
    '--api-max-streams',
    String(MAX_STREAMS),
  ]);
  t.teardown(async () => {
    proc.kill('SIGTERM');
    await proc.exited;
  });
  const port = Number(new URL(url).port);
  const pid = proc.child.pid!;
  const before = rssMiB(pid);

  // One client that reads, first: it holds one of the streams.
  const reader = await SseClient.open(`${url}/events?from=0&types=block_connected`);
  t.teardown(() => {
    reader.close();
  });
  const idle = await Promise.all(
    Array.from({ length: IDLE_CLIENTS }, () => idleClient(port, '/events?from=0')),
  );
  t.teardown(() => {
    for (const { socket } of idle) socket.destroy();
  });
  const refused = idle.filter((c) => c.status === 503).length;
  t.equal(idle.length - refused, MAX_STREAMS - 1, 'the cap, less the reading client, are served');
  t.equal(refused, IDLE_CLIENTS - MAX_STREAMS + 1, 'the rest are refused with 503');
  const answer = await fetch(`${url}/events?from=0`);
  t.equal(answer.status, 503);
  t.match(await answer.json(), { code: 'too-many-streams', message: /try again later/ });

  // While the idle streams sit full, another client is served promptly.
  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/status`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  t.ok(p99 < 100, `/status p99 ${p99.toFixed(1)} ms < 100 ms`);

  // The reading client gets every block from genesis, each after its parent.
  await reader.wait((m) => m.some((e) => e.id === tip));
  const blocks = reader.messages.filter((m) => m.event === 'block_connected');
  t.equal(blocks.length, BLOCKS + 1, 'genesis and every block');
  const inOrder = blocks.every((m, i) => i === 0 || m.data.prev === blocks[i - 1]!.id);
  t.ok(inOrder, 'each block after its parent');

  const grown = rssMiB(pid) - before;
  t.ok(
    grown < RSS_BOUND_MIB,
    `the node grew ${grown.toFixed(0)} MiB with ${MAX_STREAMS} streams open (< ${RSS_BOUND_MIB})`,
  );
});
