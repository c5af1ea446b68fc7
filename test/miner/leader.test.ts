import { test, type Test } from 'tap';
import { getPublicKey } from '../../src/crypto/ed25519.js';
import { Leader, type TxSource } from '../../src/miner/leader.js';
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

function setup(t: Test, txs: Tx[]): { h: ChainHarness; leader: Leader; now: { ms: number } } {
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
  t.equal(tip.kind === 'micro' && tip.block.txs.length, 2);
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
  t.same(tip.kind === 'micro' ? tip.block.txs : [], [good]);
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
