import { once } from 'node:events';
import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { Mining } from '../../src/miner/mining.js';
import { keyBlockId, type KeyBlock } from '../../src/protocol/key-block.js';
import { REGTEST } from '../../src/protocol/params.js';
import { ChainHarness, HARNESS_NOW_MS } from '../helpers/chain-harness.js';
import { mineKeyBlock } from '../helpers/blocks.js';

const LEADER_KEY = getPublicKey(new Uint8Array(32).fill(9));

/** A mining service on a harness chain, on the harness's clock unless `now` is given. */
function open(
  t: Test,
  jobIntervalMs = 100,
  now: () => number = () => HARNESS_NOW_MS,
): { h: ChainHarness; mining: Mining; published: KeyBlock[] } {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const published: KeyBlock[] = [];
  const mining = new Mining(
    { leaderKey: LEADER_KEY, payout: new Uint8Array(20).fill(1), jobIntervalMs },
    {
      chain: h.chain,
      params: REGTEST,
      now,
      publish: (block) => published.push(block),
    },
  );
  t.teardown(() => {
    mining.stop();
  });
  return { h, mining, published };
}

/** Every 'job' event with the time it came. */
function recordJobs(mining: Mining): { clean: boolean; atMs: number }[] {
  const jobs: { clean: boolean; atMs: number }[] = [];
  mining.on('job', (clean) => jobs.push({ clean, atMs: performance.now() }));
  return jobs;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a new epoch is a clean job at once; new microblocks are non-clean jobs at most once per interval', async (t) => {
  const { h, mining } = open(t, 100, Date.now);
  const jobs = recordJobs(mining);
  let tips = 0;
  mining.on('tip', () => tips++);

  h.key('a', 'g');
  await settle();
  t.same(
    jobs.map((j) => j.clean),
    [true],
    'a key block: clean',
  );
  h.micro('a1', 'a');
  await settle();
  t.same(
    jobs.map((j) => j.clean),
    [true],
    'a microblock within the interval of the last job waits',
  );
  h.micro('a2', 'a1');
  await once(mining, 'job');
  t.same(
    jobs.map((j) => j.clean),
    [true, false],
    'one non-clean job for both microblocks',
  );
  t.ok(
    jobs[1]!.atMs - jobs[0]!.atMs >= 95,
    `${(jobs[1]!.atMs - jobs[0]!.atMs).toFixed(0)} ms after the last`,
  );
  t.equal(tips, 3, "every tip change is a 'tip' event");

  h.micro('a3', 'a2');
  await settle();
  h.key('b', 'a3');
  await settle();
  t.same(
    jobs.map((j) => j.clean),
    [true, false, true],
    'a key block cancels the pending non-clean job and sends a clean one',
  );
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.equal(jobs.length, 3, 'nothing after it');
});

test('a reorg is a clean job, and isCurrent follows the best chain and the epoch', async (t) => {
  const { h, mining } = open(t);
  h.key('a', 'g');
  h.micro('a1', 'a');
  h.micro('a2', 'a1');
  await settle();
  t.ok(mining.isCurrent(h.entry('a2').id), 'the tip');
  t.ok(
    mining.isCurrent(h.entry('a1').id),
    'an older microblock of the epoch (a key block on it is still valid)',
  );
  t.ok(mining.isCurrent(h.entry('a').id), "the epoch's key block");
  t.notOk(mining.isCurrent(h.entry('g').id), 'an earlier epoch');
  t.notOk(mining.isCurrent(new Uint8Array(32)), 'an unknown block');

  const jobs = recordJobs(mining);
  t.equal(h.key('b', 'g'), 'side');
  await settle();
  t.same(jobs, [], 'a side branch is no job');
  t.notOk(mining.isCurrent(h.entry('b').id), 'a side branch is not current');
  t.equal(h.key('c', 'b'), 'reorged');
  await settle();
  t.same(
    jobs.map((j) => j.clean),
    [true],
  );
  t.notOk(mining.isCurrent(h.entry('a2').id), 'the old branch left the best chain');
  t.ok(mining.isCurrent(h.entry('c').id));
});

test('templates name the leader key and pay the payout asked for; submit publishes only what it accepts', async (t) => {
  const { h, mining, published } = open(t);
  const own = mining.template()!;
  t.same(own.block.body.leaderKey, LEADER_KEY);
  t.same(own.block.body.payout, new Uint8Array(20).fill(1), "the operator's payout by default");
  const worker = mining.template(new Uint8Array(20).fill(7))!;
  t.same(worker.block.body.payout, new Uint8Array(20).fill(7));
  t.same(worker.block.body.leaderKey, LEADER_KEY, "a worker's block still names the node's leader key");
  t.equal(worker.minTime, h.chain.nextKeyBlock().medianTimePast + 1);

  const block = mineKeyBlock({
    prev: h.chain.tip.id,
    height: 1n,
    time: worker.block.header.time,
    body: { payout: new Uint8Array(20).fill(7) },
  });
  const accepted = mining.submit(block);
  t.equal(accepted.accepted, true);
  t.equal(published.length, 1);
  const again = mining.submit(block);
  t.same([again.accepted, again.reason], [false, 'duplicate']);
  const bad = mining.submit({ ...block, header: { ...block.header, version: 2 } });
  t.same([bad.accepted, bad.reason], [false, 'bad-version']);
  t.equal(published.length, 1, 'refused blocks are not published');
  t.same(published[0] && keyBlockId(published[0].header), keyBlockId(block.header));
});
