// Every log line names its module (docs/logging.md), so `--log-level info,chain=debug` and a log
// search by module see all of a part's lines. A whole node runs in-process here, with mining,
// Stratum, P2P and the API on, through start, a mined block, API requests and stop.
import { test } from 'tap';
import { AltostreamNode } from '../../src/node/node.js';
import { DEFAULT_STRATUM_OPTIONS } from '../../src/node/config.js';
import { captureLog, LEVEL } from '../helpers/log-capture.js';
import { testNodeConfig } from '../helpers/node.js';
import { StratumClient } from '../helpers/stratum-client.js';
import { addressOf } from '../helpers/stratum-node.js';
import { ownTempDir } from '../helpers/test-owner.js';

/** Polls `condition`; fails after 15 s (a generous bound on a shared 2-core machine). */
async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('log-module: every line from start to stop carries a module, the node and its API included', async (t) => {
  const { logger, records } = captureLog('trace');
  const node = await AltostreamNode.start(
    testNodeConfig(ownTempDir(t), {
      mine: true,
      payout: addressOf('regtest', 0x51),
      blockIntervalMs: 0,
      statusIntervalMs: 50,
      stratum: { ...DEFAULT_STRATUM_OPTIONS, host: '127.0.0.1', port: 0, mode: 'solo' },
      p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxPeers: 16, banMs: 60_000, stallMs: 3000 },
    }),
    { logger },
  );
  let stopped = false;
  t.teardown(() => (stopped ? undefined : node.stop()));
  await until('mined block', () => records.some((r) => r.msg === 'mined a key block'));

  const worker = await StratumClient.connect(node.stratum!.port);
  t.teardown(() => {
    worker.close();
  });
  await worker.subscribe();
  await worker.authorize(`${addressOf('regtest', 0x52)}.rig`);
  t.equal((await fetch(`${node.apiUrl}/status`)).status, 200);
  t.equal((await fetch(`${node.apiUrl}/blocks/not-a-block-id`)).status, 400, "a client's bad request");
  t.equal((await fetch(`${node.apiUrl}/no-such-route`)).status, 404);
  await until('status line with module node', () =>
    records.some((r) => r.module === 'node' && /^height \d+/.test(r.msg)),
  );
  await node.stop();
  stopped = true;

  const unnamed = records.filter((r) => typeof r.module !== 'string' || r.module === '');
  t.same(unnamed, [], 'no line without a module');
  const byModule = (module: string, msg: string | RegExp): unknown =>
    records.find((r) => r.module === module && (typeof msg === 'string' ? r.msg === msg : msg.test(r.msg)));
  t.match(byModule('node', 'node started'), { level: LEVEL.info });
  t.match(byModule('node', /^height \d+ · /), { level: LEVEL.info }, 'the status line');
  t.match(byModule('node', 'stopping'), { level: LEVEL.info });
  t.match(byModule('node', 'node stopped'), { level: LEVEL.info });
  t.match(byModule('miner', 'mined a key block'), { level: LEVEL.info });
  t.match(byModule('stratum', 'stratum worker authorized'), { level: LEVEL.info });
  t.match(byModule('api', 'API request refused'), { level: LEVEL.debug }, "the client's fault: debug");
  t.notOk(
    records.some((r) => r.level >= LEVEL.warn),
    `nothing at warn or above: ${JSON.stringify(records.filter((r) => r.level >= LEVEL.warn))}`,
  );
  const modules = [...new Set(records.map((r) => r.module))].sort();
  t.comment(`${records.length} lines from modules ${modules.join(', ')}`);
});
