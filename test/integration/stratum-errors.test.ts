// Stratum's error paths against a real node (PROTOCOL.md §11.3), each answered
// by its code while another worker keeps mining on its own connection; lines
// that are not JSON, or too long, close only their own connection; and a
// worker that floods invalid shares is banned while honest ones find blocks.
import { test } from 'tap';
import { yespower } from '../../src/crypto/pow.js';
import { TESTNET } from '../../src/protocol/params.js';
import { status, until } from '../helpers/network.js';
import { StratumClient } from '../helpers/stratum-client.js';
import { addressOf, blockIdOf, jobOn, login, plainShare, startStratumNode } from '../helpers/stratum-node.js';

const code = (answer: { error: unknown }): unknown => (answer.error as unknown[] | null)?.[0];
/** The easiest share difficulty (§11.4): about two hashes a share. */
const EASIEST = `d=${2 ** -15}`;

test('each error by its code, the connection kept, and another worker mining throughout (testnet: shares that are not blocks)', async (t) => {
  // On testnet a share at 2^-15 is a block once in 32,768: shares, duplicates and stale jobs without new epochs.
  const node = await startStratumNode(t, ['--network', 'testnet']);
  const miner = await login(t, node, `${addressOf('testnet', 0x51)}.err`, EASIEST);
  const honest = await login(t, node, `${addressOf('testnet', 0x52)}.ok`, EASIEST);
  const { client, user, job } = miner;
  t.equal(client.difficulty, 2 ** -15, 'the d= hint was taken');

  const share = plainShare(miner, job, '00000001');
  t.same(await client.submit(user, share), { result: true, error: null }, 'a share');
  t.equal(code(await client.submit(user, share)), 22, 'the same share again: 22 duplicate');

  const low = plainShare(miner, job, '00000002');
  // The same nonce under another extranonce2 is a different header: its hash misses the target half the time.
  let lowAnswer: { error: unknown } | undefined;
  for (let e = 3; lowAnswer === undefined; e++) {
    const header = client.buildHeader(
      job,
      StratumClient.extranonce2For(e),
      job.ntime,
      Number.parseInt(low.nonce, 16),
    );
    if (StratumClient.hashValue(yespower(header)) > StratumClient.shareTarget(job.difficulty)) {
      lowAnswer = await client.submit(user, { ...low, extranonce2: StratumClient.extranonce2For(e) });
    }
  }
  t.equal(code(lowAnswer), 23, 'a hash above the share target: 23 low difficulty');

  t.equal(
    code(await client.submit(`${addressOf('testnet', 0x53)}.x`, share)),
    24,
    'a worker this connection did not authorize: 24',
  );
  const bad = await client.authorize('alto1qqqq', 'x');
  t.same([bad.result, code(bad)], [false, 24], 'authorize with no address of this network: false, 24');
  t.equal(code(await client.submit(user, { ...share, jobId: 'ffffff' })), 21, 'an unknown job: 21 stale');
  // With genesis alone, the median time past is genesis's time.
  const early = TESTNET.genesis.time.toString(16).padStart(8, '0');
  t.equal(
    code(await client.submit(user, { ...share, ntime: early })),
    20,
    'ntime at the median time past: 20',
  );
  const late = (Math.floor(Date.now() / 1000) + 3600).toString(16).padStart(8, '0');
  t.equal(code(await client.submit(user, { ...share, ntime: late })), 20, 'ntime past now + 600: 20');
  const unknown = await client.extranonceSubscribe();
  t.same([unknown.result, code(unknown)], [false, 20], 'mining.extranonce.subscribe: 20');
  t.ok(client.isOpen, 'the connection stays through all of that');
  t.same(
    await client.submit(user, plainShare(miner, job, '00000009')),
    { result: true, error: null },
    'and it still mines',
  );

  const unsubscribed = await StratumClient.connect(node.stratumPort);
  t.teardown(() => {
    unsubscribed.close();
  });
  t.equal(code(await unsubscribed.submit(user, share)), 25, 'submit before subscribe: 25');
  t.equal(code(await unsubscribed.authorize(user)), 25, 'authorize before subscribe: 25');

  // Lines that close only their own connection.
  const garbage = await StratumClient.connect(node.stratumPort);
  garbage.sendRaw('{"id": 1, "method": "mining.subscribe", "params": [\n');
  await garbage.closed;
  t.pass('malformed JSON closes the connection');
  const long = await StratumClient.connect(node.stratumPort);
  long.sendRaw(`{"id": 1, "method": "${'x'.repeat(1 << 20)}"}\n`);
  await long.closed;
  t.pass('a 1 MiB line closes the connection');

  t.same(
    await honest.client.submit(honest.user, plainShare(honest, honest.job, '00000001')),
    { result: true, error: null },
    'the other worker mined on throughout',
  );
  t.equal((await status(node)).height, 0, 'no block was found by accident');
});

test('a worker that sends 1,000 invalid shares is banned; honest workers on other connections keep finding blocks', async (t) => {
  const node = await startStratumNode(t);
  const honestA = await login(t, node, `${addressOf('regtest', 0x61)}.a`);
  const honestB = await login(t, node, `${addressOf('regtest', 0x62)}.b`);
  const flooder = await login(t, node, `${addressOf('regtest', 0x63)}.bad`);
  // 1,000 shares with an ntime an hour ahead, in one write: invalid before any hashing.
  const late = (Math.floor(Date.now() / 1000) + 3600).toString(16).padStart(8, '0');
  const lines = Array.from(
    { length: 1000 },
    (_, i) =>
      `${JSON.stringify({ id: 1000 + i, method: 'mining.submit', params: [flooder.user, flooder.job.jobId, StratumClient.extranonce2For(i), late, '00000000'] })}\n`,
  ).join('');
  flooder.client.sendRaw(lines);
  await flooder.client.closed;
  t.pass('the flooding connection is closed');
  // The log line travels through the node's stdout, which may reach us after the socket's close.
  const banned = await node.proc.waitFor((l) => l.msg === 'stratum connection banned for invalid shares');
  t.equal(banned.worker, flooder.user, 'the log names the worker');
  const again = await StratumClient.connect(node.stratumPort);
  await again.closed;
  t.pass('its address is refused when it comes back');

  const shareA = honestA.client.findShare(honestA.job, { extranonce2: StratumClient.extranonce2For(1) })!;
  t.same(
    await honestA.client.submit(honestA.user, shareA),
    { result: true, error: null },
    'worker A finds a block',
  );
  const idA = blockIdOf(shareA.header);
  const jobB = await jobOn(honestB, idA);
  const late0 = honestB.client.findShare(honestB.job, { extranonce2: StratumClient.extranonce2For(9) })!;
  t.equal(
    code(await honestB.client.submit(honestB.user, late0)),
    21,
    "a share on the epoch A's block ended: 21 stale",
  );
  const shareB = honestB.client.findShare(jobB, { extranonce2: StratumClient.extranonce2For(1) })!;
  t.same(
    await honestB.client.submit(honestB.user, shareB),
    { result: true, error: null },
    'then worker B on it',
  );
  await until(
    10_000,
    'B’s block is the tip',
    async () => (await status(node)).tip.id === blockIdOf(shareB.header),
  );
  t.equal((await status(node)).height, 2);
});

test('connections past --stratum-max-per-ip are closed at once; the others mine on', async (t) => {
  const node = await startStratumNode(t, ['--stratum-max-per-ip', '2']);
  const first = await login(t, node, `${addressOf('regtest', 0x71)}.a`);
  await login(t, node, `${addressOf('regtest', 0x72)}.b`);
  const third = await StratumClient.connect(node.stratumPort);
  await third.closed;
  t.pass('the third connection from 127.0.0.1 is closed');
  const share = first.client.findShare(first.job, { extranonce2: StratumClient.extranonce2For(1) })!;
  t.same(
    await first.client.submit(first.user, share),
    { result: true, error: null },
    'the first still mines',
  );
});
