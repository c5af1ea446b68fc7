import { test } from 'tap';
import { FAUCET_ACCOUNT, transfer } from '../helpers/txs.js';
import { failCommitsAt } from '../helpers/faults.js';
import { ChainHarness } from '../helpers/chain-harness.js';
import { REGTEST } from '../../src/protocol/params.js';
import { keyBlockId } from '../../src/protocol/key-block.js';

const ALTO = 10n ** 18n;
const ALICE = new Uint8Array(20).fill(0xa1);
const BOB = new Uint8Array(20).fill(0xb0);

test('a side branch overtaking the tip by one key block reorganises; state equals a chain that only saw it', async (t) => {
  //   g -> b1 -> m1 -> b2
  //          \-> c2 -> c3*       c3 has one more key block's work than b2
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  t.equal(h.key('b1', 'g'), 'connected');
  t.equal(h.micro('m1', 'b1', [transfer(ALICE, 5n * ALTO), transfer(BOB, 1n, { nonce: 1n })]), 'connected');
  t.equal(h.key('b2', 'm1'), 'connected');
  t.equal(h.key('c2', 'b1', 0xc2), 'side', 'equal work: the first seen stays');
  const events: string[] = [];
  h.chain.on('disconnected', (e) => events.push(`-${h.name(e)}`));
  h.chain.on('connected', (e) => events.push(`+${h.name(e)}`));
  h.chain.on('reorged', (r) => events.push(`reorged ${r.disconnected}/${r.connected}`));
  t.equal(h.key('c3', 'c2', 0xc3), 'reorged');
  t.same(
    events,
    ['-b2', '-m1', '+c2', '+c3', 'reorged 2/2'],
    'typed events: disconnections tip first, then connections, then the reorg',
  );
  t.equal(h.tipName(), 'c3');
  t.equal(h.chain.state().account(ALICE), undefined, "m1's transfer is undone");
  t.equal(h.chain.state().account(FAUCET_ACCOUNT)?.nonce, 0n);
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['b1', 'c2', 'c3']);
  t.equal(h.digest(), fresh.digest());
});

test('a 10-key-block reorg, and back again, each ending in the state of a chain that only saw the winner', async (t) => {
  //   g -> b1 -> m1 -> b2 -> … -> b10 -> b11 -> b12*      (back again)
  //    \-> c1 -> … -> c11*                                 (first reorg: 10 key blocks undone)
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.micro('m1', 'b1', [transfer(ALICE, 7n * ALTO, { fee: 5000n })]);
  let parent = 'm1';
  const main = ['b1', 'm1'];
  for (let i = 2; i <= 10; i++) {
    h.key(`b${i}`, parent);
    parent = `b${i}`;
    main.push(parent);
  }
  let side = 'g';
  const sideNames: string[] = [];
  for (let i = 1; i <= 11; i++) {
    const result = h.key(`c${i}`, side, 0xc0 + i);
    side = `c${i}`;
    sideNames.push(side);
    t.equal(result, i < 11 ? 'side' : 'reorged', `c${i}`);
  }
  t.equal(h.tipName(), 'c11');
  const onlySide = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  onlySide.replay(h, sideNames);
  t.equal(h.digest(), onlySide.digest(), 'after the reorg');
  h.key('b11', 'b10');
  t.equal(h.key('b12', 'b11'), 'reorged');
  t.equal(h.tipName(), 'b12');
  const onlyMain = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  onlyMain.replay(h, [...main, 'b11', 'b12']);
  t.equal(h.digest(), onlyMain.digest(), 'after reorganising back');
  // An independent sum over the winning branch: the faucet paid 7 ALTO and a 5,000 fee once.
  t.same(h.chain.state().account(FAUCET_ACCOUNT), {
    balance: 1_000_000n * ALTO - 7n * ALTO - 5000n,
    nonce: 1n,
  });
  t.same(h.chain.state().account(ALICE), { balance: 7n * ALTO, nonce: 0n });
  // Minted: the allocation plus the miner shares matured by b12 (heights 1–10, REWARD_MATURITY 2), 3 ALTO each.
  t.equal(h.chain.state().counters().minted, 1_000_000n * ALTO + 10n * 3n * ALTO);
});

test('a key block built on an earlier microblock prunes the later ones of that epoch', async (t) => {
  //   g -> b1 -> m1 -> m2 -> m3
  //                \-> b2*            b2 builds on m1: m2 and m3 fall on a side branch
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.micro('m1', 'b1', [transfer(ALICE, 1n)]);
  h.micro('m2', 'm1', [transfer(ALICE, 2n, { nonce: 1n })]);
  h.micro('m3', 'm2', [transfer(ALICE, 3n, { nonce: 2n })]);
  t.equal(h.key('b2', 'm1'), 'reorged');
  t.same(h.chain.state().account(ALICE), { balance: 1n, nonce: 0n }, "only m1's transfer stands");
  const fresh = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  fresh.replay(h, ['b1', 'm1', 'b2']);
  t.equal(h.digest(), fresh.digest());
});

test('a microblock whose transaction fails to apply is invalid, and the chain keeps its tip and state', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  const before = h.digest();
  t.throws(() => h.micro('m1', 'b1', [transfer(ALICE, 2_000_000n * ALTO)]), { code: 'insufficient-funds' });
  t.equal(h.tipName(), 'b1');
  t.equal(h.digest(), before, 'nothing of the failed block was written');
  t.equal(h.micro('m1b', 'b1', [transfer(ALICE, 5n)]), 'connected', 'the chain is still usable');
});

test('the chain reopens from disk at the same tip and state', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.micro('m1', 'b1', [transfer(ALICE, 5n)]);
  h.key('b2', 'm1');
  h.key('c2', 'b1', 0xc2);
  const digest = h.digest();
  const tip = h.chain.tip.hex;
  await h.storage.close();
  const again = ChainHarness.open((fn) => {
    t.teardown(fn);
  }, h.dir);
  t.equal(again.chain.tip.hex, tip);
  t.equal(again.digest(), digest);
});

test('orphans wait for their parent, then connect', async (t) => {
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  builder.key('b1', 'g');
  builder.key('b2', 'b1');
  t.equal(h.chain.add(builder.blocks.get('b2')!), 'orphan');
  t.equal(h.chain.add(builder.blocks.get('b1')!), 'connected');
  t.equal(h.chain.tip.hex, builder.chain.tip.hex, 'b2 was adopted');
});

test('reorg-too-deep: a branch leaving the best chain more than UNDO_DEPTH key blocks below the tip is not even stored', async (t) => {
  //   g -> b1 -> b2 -> b3 -> b4
  //    \-> c1*                   4 key blocks below the tip with UNDO_DEPTH 3: refused, never stored
  //          \-> d2              3 below: a side branch like any other
  const h = ChainHarness.open(
    (fn) => {
      t.teardown(fn);
    },
    undefined,
    { ...REGTEST, undoDepth: 3 },
  );
  let parent = 'g';
  for (let i = 1; i <= 4; i++) {
    h.key(`b${i}`, parent);
    parent = `b${i}`;
  }
  t.throws(() => h.key('c1', 'g', 0xc1), { code: 'reorg-too-deep' });
  const c1 = h.blocks.get('c1');
  t.ok(c1?.kind === 'key' && h.chain.get(keyBlockId(c1.block.header)) === undefined, 'not stored');
  t.equal(h.key('d2', 'b1', 0xd2), 'side');
  t.equal(h.tipName(), 'b4', 'the tip stays');
});

test('a fault injected between any two writes of a reorg leaves the database as before and the chain usable', async (t) => {
  //   g -> b1 -> m1 -> b2
  //          \-> c2 -> c3*      connecting c3 rewrites state, undo, blocks and the tip
  const h = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  h.key('b1', 'g');
  h.micro('m1', 'b1', [transfer(ALICE, 5n)]);
  h.key('b2', 'm1');
  h.key('c2', 'b1', 0xc2);
  const builder = ChainHarness.open((fn) => {
    t.teardown(fn);
  });
  builder.replay(h, ['b1', 'c2']);
  builder.key('c3', 'c2', 0xc3);
  const c3 = builder.blocks.get('c3')!;
  const before = h.digest();
  let failures = 0;
  for (let failAt = 1; ; failAt++) {
    const restore = failCommitsAt(h.storage, failAt);
    try {
      const result = h.chain.add(c3);
      t.equal(result, 'reorged', `with the fault set past the last write (${failAt}), the reorg completes`);
      break; // every write went through
    } catch {
      failures++;
      if (h.digest() !== before || h.tipName() !== 'b2')
        t.fail(`state changed after a fault at write ${failAt}`);
    } finally {
      restore();
    }
  }
  t.ok(failures > 5, `a fault before each of ${failures} writes left nothing behind`);
  t.equal(h.chain.tip.hex, builder.chain.tip.hex, 'the tip is c3');
});
