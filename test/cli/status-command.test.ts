import { test } from 'tap';
import { captureIo } from '../helpers/io.js';
import { statusCommand } from '../../src/cli/status-command.js';
import { deadUrl, StubNode, stubStatus } from '../helpers/stub-node.js';

const capture = captureIo;

test('status prints a summary of GET /status: network, height, tip, peers, mempool, hash rate, block age', async (t) => {
  const stub = await StubNode.start(t);
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url], c.io), 0, c.err.join('\n'));
  t.same(c.out, [
    'network     regtest (altostream-regtest)',
    'height      12',
    `tip         ${'a0'.repeat(32)} (key height 12, microblock 3)`,
    'peers       2',
    'mempool     4 txs, 1234 bytes, min fee rate 100000000000 base units/byte',
    'hash rate   1.5 kH/s',
    'last block  7 s ago',
  ]);
  t.same(stub.requests, ['GET /status']);
});

test('status names a key-block tip, syncing, and long block ages', async (t) => {
  const stub = await StubNode.start(t);
  stub.status = {
    ...stubStatus(),
    tip: { id: 'cc'.repeat(32), kind: 'key', keyHeight: 40, seq: null },
    syncing: true,
    hashRate: 12.25,
    lastBlockAgeS: 3725,
  };
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url], c.io), 0);
  t.match(c.out, [
    /^network {5}regtest \(altostream-regtest\), syncing$/,
    /^height/,
    new RegExp(`^tip {9}${'cc'.repeat(32)} \\(key height 40\\)$`),
    /^peers/,
    /^mempool/,
    /^hash rate {3}12\.3 H\/s$/,
    /^last block {2}62 min 5 s ago$/,
  ]);
});

test('status --json prints the answer as one JSON object', async (t) => {
  const stub = await StubNode.start(t);
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url, '--json'], c.io), 0);
  t.equal(c.out.length, 1);
  t.same(JSON.parse(c.out[0]!), stubStatus());
});

test('status with no node listening: exit 1 with the URL and what to run', async (t) => {
  const url = await deadUrl();
  const c = capture();
  t.equal(await statusCommand(['--api', url], c.io), 1);
  t.same(c.err, [`cannot reach the node at ${url}: is \`altostream node\` running?`]);
  t.same(c.out, []);
});

test('status with a node answering an error: exit 1 with its status and code', async (t) => {
  const stub = await StubNode.start(t);
  stub.status = { ...stubStatus(), peers: 'many' };
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url], c.io), 1);
  t.match(c.err.join('\n'), /answered HTTP 200: bad-response: GET \/status: \/peers must be integer/);
});

test('bad status flags throw the errors the dispatcher maps to exit 2', async (t) => {
  const c = capture();
  await t.rejects(statusCommand(['--network', 'moonnet'], c.io), { code: 'bad-flag', message: /--network/ });
  await t.rejects(statusCommand(['--api', 'localhost:1'], c.io), { code: 'bad-flag', message: /--api/ });
  await t.rejects(statusCommand(['--frobnicate'], c.io), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  await t.rejects(statusCommand(['extra'], c.io), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
  t.equal(await statusCommand(['--help'], c.io), 0);
  t.match(c.out.join('\n'), /Usage: altostream status/);
});

test('hash-rate-while-hashing: status shows the rate while hashing and when a paced miner mines again', async (t) => {
  const stub = await StubNode.start(t);
  stub.status = { ...stubStatus(), hashRate: 151.8, pacedForS: 6.4 };
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url], c.io), 0);
  t.ok(c.out.includes('hash rate   152 H/s (paced: mining again in 7 s)'), c.out.join('\n'));
  stub.status = { ...stubStatus(), mining: false, hashRate: 0 };
  const off = capture();
  t.equal(await statusCommand(['--api', stub.url], off.io), 0);
  t.ok(off.out.includes('hash rate   not mining'), off.out.join('\n'));
});

test('status shows the Stratum workers and their hash rate when Stratum is on', async (t) => {
  const stub = await StubNode.start(t);
  stub.status = { ...stubStatus(), stratum: { port: 23337, mode: 'pool', workers: 3, hashRate: 2450 } };
  const c = capture();
  t.equal(await statusCommand(['--api', stub.url], c.io), 0);
  t.ok(c.out.includes('stratum     3 workers, 2.5 kH/s (from their shares)'), c.out.join('\n'));
});
