// Shutdown is the process's: these tests spawn the built node (dist/cli/main.js) under load —
// built-in mining with no pacing, a Stratum worker that subscribed and authorized, a loop of API
// requests and an open GET /events stream — and signal it.
import { test } from 'tap';
import { NodeProcess } from '../helpers/node-process.js';
import { addressOf } from '../helpers/stratum-node.js';
import { StratumClient } from '../helpers/stratum-client.js';
import { SseClient } from '../helpers/sse.js';
import { ownTempDir, type TestOwner } from '../helpers/test-owner.js';

/** What the graceful stop must finish within (STOP_DEADLINE_MS in src/cli/main.ts). */
const STOP_DEADLINE_MS = 8_000;
/** A second signal forces the exit at once; generous for a shared 2-core machine. */
const FORCED_EXIT_MS = 1_000;

interface Loaded {
  readonly proc: NodeProcess;
  /** Stops the request loop and closes the test's own sockets. */
  readonly unload: () => Promise<void>;
}

/** A mining node with Stratum on, a subscribed and authorized worker, API requests in a loop and an open event stream. */
async function loadedNode(t: TestOwner): Promise<Loaded> {
  const { proc, url } = await NodeProcess.start([
    '--datadir',
    ownTempDir(t),
    '--block-interval',
    '0',
    '--microblock-interval',
    '0.1',
    '--stratum-port',
    '0',
    // libp2p listening too: its timers and sockets must not outlive the stop either.
    '--listen',
    '/ip4/127.0.0.1/tcp/0',
  ]);
  t.teardown(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.kill('SIGKILL');
  });
  const started = await proc.waitFor((l) => l.msg === 'node started');
  const stratumPort = (started.stratum as { port: number }).port;
  const worker = await StratumClient.connect(stratumPort);
  await worker.subscribe();
  const authorized = await worker.authorize(`${addressOf('regtest', 0x41)}.shutdown`);
  if (authorized.result !== true) throw new Error(`authorize: ${JSON.stringify(authorized.error)}`);
  const events = await SseClient.open(`${url}/events`);
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await (await fetch(`${url}/status`)).arrayBuffer();
      } catch {
        // the node is stopping: its API closes under us
        running = false;
      }
    }
  })();
  // Under load means: blocks are being mined and requests answered.
  await proc.waitFor((l) => l.module === 'miner' && l.msg === 'mined a key block');
  return {
    proc,
    unload: async () => {
      running = false;
      await loop;
      events.close();
      worker.close();
    },
  };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`graceful-stop: ${signal} under load stops the node and it exits 0 by itself within 8 s`, async (t) => {
    const { proc, unload } = await loadedNode(t);
    const sent = Date.now();
    proc.kill(signal);
    const exit = await proc.exited;
    const tookMs = Date.now() - sent;
    await unload();
    t.same(exit, { code: 0, signal: null }, proc.stderr.join('\n'));
    t.ok(tookMs < STOP_DEADLINE_MS, `exited in ${tookMs} ms`);
    t.ok(
      proc.lines.some((l) => l.msg === 'node stopped'),
      'the stop finished: "node stopped" was logged',
    );
    t.comment(`${signal}: exited in ${tookMs} ms`);
  });
}

test('forced-stop: a second signal during the stop exits 1 at once and says it was forced', async (t) => {
  const { proc, unload } = await loadedNode(t);
  // Back to back, so the second surely comes while the stop runs (it takes some event-loop turns at
  // least: worker threads and sockets close asynchronously). Two different signals: two of one kind
  // pending at once would be delivered as one.
  proc.kill('SIGTERM');
  const sent = Date.now();
  proc.kill('SIGINT');
  const exit = await proc.exited;
  const tookMs = Date.now() - sent;
  await unload();
  t.same(exit, { code: 1, signal: null });
  t.ok(tookMs < FORCED_EXIT_MS, `exited ${tookMs} ms after the second signal`);
  t.match(proc.stderr.join('\n'), /again while stopping: forced exit with 1/);
  t.notOk(
    proc.lines.some((l) => l.msg === 'node stopped'),
    'the stop did not finish',
  );
  t.comment(`second signal: exited in ${tookMs} ms`);
});
