import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { Leader, type LeaderModules, type TxSource } from '../../src/miner/leader.js';
import { microblockId, type Microblock } from '../../src/protocol/microblock.js';
import { REGTEST } from '../../src/protocol/params.js';
import type { Tx } from '../../src/protocol/tx.js';
import { createLogger } from '../../src/util/logger.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { mineKeyBlock } from '../helpers/blocks.js';
import { transfer } from '../helpers/txs.js';

const NODE_SEED = new Uint8Array(32).fill(0x77);
const BOB = new Uint8Array(20).fill(0xb0);
const NOW_MS = (REGTEST.genesis.time + 10_000_000) * 1000;

function queue(txs: Tx[]): TxSource {
  return {
    select: ({ maxTxs }) => txs.slice(0, maxTxs),
    get count() {
      return txs.length;
    },
  };
}

function setup(
  t: Test,
  txs: Tx[],
  mods: (h: ChainHarness) => Partial<Pick<LeaderModules, 'durable' | 'broadcast' | 'logger'>> = () => ({}),
): { h: ChainHarness; leader: Leader; now: { ms: number } } {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const now = { ms: NOW_MS };
  const leader = new Leader(
    { seed: NODE_SEED, intervalMs: 500 },
    {
      chain: h.chain,
      txs: queue(txs),
      params: REGTEST,
      now: () => now.ms,
      logger: createLogger({ level: 'silent' }),
      submit: (block) => h.chain.add({ kind: 'micro', block }),
      durable: () => Promise.resolve(),
      broadcast: () => undefined,
      ownCandidateOn: () => false,
      ...mods(h),
    },
  );
  t.teardown(() => {
    leader.stop();
  });
  return { h, leader, now };
}

/** A key block naming our node key as its leader, on the tip. */
function ourKeyBlock(t: Test, h: ChainHarness): void {
  const tip = h.chain.tip;
  const block = mineKeyBlock({
    prev: tip.id,
    height: tip.keyHeight + 1n,
    time: tip.epochKey.block.header.time + 60,
    leaderKey: getPublicKey(NODE_SEED),
  });
  t.equal(h.chain.add({ kind: 'key', block }), 'connected');
}

test('the leader signs only while its key leads the tip epoch, and only when there are transactions', async (t) => {
  const txs = [transfer(BOB, 1n), transfer(BOB, 2n, { nonce: 1n })];
  const { h, leader } = setup(t, txs);
  t.notOk(leader.isLeading(), 'genesis opens no epoch anyone leads');
  t.notOk(leader.publish());
  h.key('k1', 'g'); // someone else's key block
  t.notOk(leader.isLeading());
  t.notOk(leader.publish(), 'not our epoch');
  ourKeyBlock(t, h);
  t.ok(leader.isLeading());
  t.ok(leader.publish());
  const tip = h.chain.tip;
  t.equal(tip.kind, 'micro');
  t.equal(tip.kind === 'micro' && tip.seq, 0);
  const body = h.chain.blockOf(tip);
  t.equal(body.kind === 'micro' && body.block.txs.length, 2);
  txs.length = 0;
  t.notOk(leader.publish(), 'nothing to carry: no empty microblock');
});

test('the dry run leaves out a transaction that would fail, so the microblock still connects', async (t) => {
  const good = transfer(BOB, 1n);
  const stale = transfer(BOB, 5n, { nonce: 7n }); // bad-nonce on the tip
  const { h, leader } = setup(t, [good, stale]);
  ourKeyBlock(t, h);
  t.ok(leader.publish());
  const tip = h.chain.tip;
  const body = h.chain.blockOf(tip);
  t.same(body.kind === 'micro' ? body.block.txs : [], [good]);
});

test('microblock times keep the interval after their parent, and seq counts up within the epoch', async (t) => {
  const txs = [transfer(BOB, 1n)];
  const { h, leader, now } = setup(t, txs);
  ourKeyBlock(t, h);
  t.ok(leader.publish());
  const first = h.chain.tip;
  txs[0] = transfer(BOB, 2n, { nonce: 1n });
  now.ms += 10; // asked again at once: the header time moves to the interval, not to now
  t.ok(leader.publish());
  const second = h.chain.tip;
  t.equal(second.kind === 'micro' && second.seq, 1);
  t.ok(second.timeMs - first.timeMs >= 500n, 'at least the leader interval apart');
});

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

/** A durable() whose answers the test gives by hand; `tips` is the chain tip at each call. */
function manualDurable(h: ChainHarness): {
  durable: () => Promise<void>;
  waits: Deferred[];
  tips: string[];
} {
  const waits: Deferred[] = [];
  const tips: string[] = [];
  return {
    waits,
    tips,
    durable: () => {
      tips.push(h.chain.tip.hex);
      let resolve = (): void => undefined;
      const promise = new Promise<void>((yes) => {
        resolve = yes;
      });
      waits.push({ promise, resolve });
      return promise;
    },
  };
}

/** Resolves after every callback already queued as a microtask has run. */
const drained = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const idHex = (block: Microblock): string => Buffer.from(microblockId(block.header)).toString('hex');

test('persist before broadcast (§3.3): a signed microblock goes out only once its commit is durable, and then at once', async (t) => {
  const sent: Microblock[] = [];
  let manual: ReturnType<typeof manualDurable> | undefined;
  const { h, leader } = setup(t, [transfer(BOB, 1n)], (h) => {
    manual = manualDurable(h);
    return { durable: manual.durable, broadcast: (block) => sent.push(block) };
  });
  ourKeyBlock(t, h);
  t.ok(leader.publish());
  const stored = h.chain.tip;
  t.equal(stored.kind, 'micro', 'committed to the chain');
  t.same(manual!.tips, [stored.hex], 'durability asked once, after the commit');
  await drained();
  t.same(sent, [], 'nothing broadcast while the commit may not be on disk');
  manual!.waits[0]!.resolve();
  await leader.settled();
  t.same(sent.map(idHex), [stored.hex], 'broadcast once durable');
});

test('persist before broadcast (§3.3): microblocks waiting for durability go out in the order signed', async (t) => {
  const sent: Microblock[] = [];
  const txs = [transfer(BOB, 1n)];
  let manual: ReturnType<typeof manualDurable> | undefined;
  const { h, leader, now } = setup(t, txs, (h) => {
    manual = manualDurable(h);
    return { durable: manual.durable, broadcast: (block) => sent.push(block) };
  });
  ourKeyBlock(t, h);
  t.ok(leader.publish());
  const first = h.chain.tip.hex;
  txs[0] = transfer(BOB, 2n, { nonce: 1n });
  now.ms += 500;
  t.ok(leader.publish());
  const second = h.chain.tip.hex;
  t.same(manual!.tips, [first, second]);
  manual!.waits[1]!.resolve();
  await drained();
  t.same(sent, [], 'the second waits for the first');
  manual!.waits[0]!.resolve();
  await leader.settled();
  t.same(sent.map(idHex), [first, second]);
});

test('persist before broadcast (§3.3): a failed durability wait is logged as an error and nothing is broadcast', async (t) => {
  const sent: Microblock[] = [];
  const lines: string[] = [];
  const { h, leader } = setup(t, [transfer(BOB, 1n)], () => ({
    durable: () => Promise.reject(new Error('EIO: fdatasync failed')),
    broadcast: (block) => sent.push(block),
    logger: createLogger({ level: 'error', destination: { write: (line: string) => lines.push(line) } }),
  }));
  ourKeyBlock(t, h);
  t.ok(leader.publish());
  await leader.settled();
  t.same(sent, [], 'not broadcast');
  t.match(
    lines.map((line) => JSON.parse(line) as unknown),
    [{ level: 50, msg: 'our microblock may not be on disk: not broadcast', seq: 0, err: { message: /EIO/ } }],
  );
});
