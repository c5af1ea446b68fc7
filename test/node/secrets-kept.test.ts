// The node's secrets — the validator seed, the node key, the API token — never reach its log
// or an API answer: a node runs with all three at the most verbose level while blocks are mined,
// and every line it logs and every GET route without a path parameter is searched for them,
// as hex and as base64.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'tap';
import { seededRandom } from '../helpers/random.js';
import { captureLog } from '../helpers/log-capture.js';
import { startTestNode } from '../helpers/node.js';
import { addressOf } from '../helpers/stratum-node.js';

function forms(secret: Uint8Array): string[] {
  const bytes = Buffer.from(secret);
  return [
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64'),
    bytes.toString('base64url'),
  ];
}

test('secrets-kept: no log line and no GET answer holds the validator seed, the node key or the API token', async (t) => {
  const { logger, records } = captureLog('trace');
  const seed = seededRandom(253)(32);
  const { node, url, token, datadir } = await startTestNode(
    (fn) => {
      t.teardown(fn);
    },
    { mine: true, payout: addressOf('regtest', 0x53), validator: { seed } },
    logger,
  );
  const deadline = Date.now() + 30_000;
  while (node.chain.tip.keyHeight < 2n) {
    if (Date.now() > deadline) throw new Error('no key block within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(openapi.paths)
    .filter(([path, methods]) => 'get' in methods && !path.includes('{'))
    .map(([path]) => path);
  t.ok(routes.includes('/status') && routes.includes('/mining/template'), `${routes.length} GET routes`);
  const answers: string[] = [];
  for (const path of routes) {
    if (path === '/events') continue; // a stream: its events are blocks and transactions, read below
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    answers.push(`${path} ${response.status} ${await response.text()}`);
  }
  const nodeKey = Buffer.from(readFileSync(join(datadir, 'node-key'), 'utf8').trim(), 'hex');
  const secrets = [
    ['validator seed', forms(seed)],
    ['node key', forms(nodeKey)],
    ['API token', [token]],
  ] as const;
  const log = records.map((record) => JSON.stringify(record)).join('\n');
  t.ok(
    records.some((r) => r.msg === 'node started') && records.some((r) => r.msg === 'mined a key block'),
    `${records.length} log lines searched, from the start and a mined block`,
  );
  for (const [name, texts] of secrets) {
    for (const text of texts) {
      t.notOk(log.includes(text), `the log does not hold the ${name}`);
      const leak = answers.find((answer) => answer.includes(text));
      t.equal(leak, undefined, `no GET answer holds the ${name}`);
    }
  }
});
