import { test } from 'tap';
import { RELAY, RICH, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';

const SIZE = transferSize();
const HOUR = 60 * 60 * 1000;
const [alice, bob, carol] = [wallet(1), wallet(2), wallet(3)];

const reasons = (h: ReturnType<typeof poolHarness>): [string, string][] =>
  h.removed.map((r) => [r.entry.idHex, r.reason]);

test('onBlockConnected: included txs leave (included); the rest of the sender’s chain stays ready', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const txs = [0n, 1n, 2n].map((nonce) => pay(alice, { nonce }));
  const entries = txs.map((tx) => h.pool.add(tx, 'local'));
  h.chain.connect(txs.slice(0, 1));
  h.pool.onBlockConnected(txs.slice(0, 1));
  t.same(reasons(h), [[entries[0]!.idHex, 'included']]);
  t.equal(h.pool.count, 2);
  t.ok(entries[1]!.ready && entries[2]!.ready);
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 10 }), txs.slice(1));
  t.equal(h.pool.nextNonce(alice.account), 3n);
});

test('onBlockConnected: a conflicting tx in the block invalidates the pooled one and what no longer has funds', async (t) => {
  const h = poolHarness();
  const fee = 20n * BigInt(SIZE);
  h.chain.set(alice.account, 3n * fee + 1000n);
  const zero = pay(alice, { nonce: 0n, fee });
  const one = h.pool.add(pay(alice, { nonce: 1n, fee, amount: 10n }), 'local');
  const two = h.pool.add(pay(alice, { nonce: 2n, fee, amount: 10n }), 'local');
  h.pool.add(zero, 'local');
  // The block holds nonce 0 and another nonce 1 that spends nearly everything.
  const conflict = pay(alice, { nonce: 1n, fee, amount: 990n });
  h.chain.connect([zero, conflict]);
  h.pool.onBlockConnected([zero, conflict]);
  t.same(reasons(h).slice(1), [
    [one.idHex, 'invalid'],
    [two.idHex, 'invalid'],
  ]);
  t.equal(h.pool.count, 0);
  t.equal(h.pool.bytes, 0);
});

test('onBlockConnected: a waiting tx whose gap the block filled is promoted', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const waiting = h.pool.add(pay(alice, { nonce: 1n }), 'local');
  t.equal(waiting.ready, false);
  const mined = pay(alice, { nonce: 0n }); // never reached this pool
  h.chain.connect([mined]);
  h.pool.onBlockConnected([mined]);
  t.equal(waiting.ready, true);
  t.same(h.removed, []);
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 10 }), [waiting.tx]);
});

test('onBlockDisconnected: a disconnected microblock’s txs come back; those the new branch holds are dropped', async (t) => {
  //   k1 -> m1 [alice 0, bob 0]          the old branch, then alice 1 arrives
  //     \-> n1 [bob 0]                   the new branch: heavier, without alice 0
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  h.chain.set(bob.account, RICH);
  const m1 = [pay(alice, { nonce: 0n }), pay(bob, { nonce: 0n })];
  const n1 = [m1[1]!];
  for (const tx of m1) h.pool.add(tx, 'local');
  h.chain.connect(m1);
  h.pool.onBlockConnected(m1);
  const later = h.pool.add(pay(alice, { nonce: 1n }), 'local');
  t.equal(h.pool.count, 1);

  h.chain.disconnect(m1);
  h.chain.connect(n1);
  h.pool.onBlockDisconnected(m1);
  h.pool.onBlockConnected(n1);
  h.pool.revalidate();
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 10 }), [m1[0]!, later.tx], 'alice 0 is back before alice 1');
  t.equal(later.ready, true);
  t.equal(h.pool.count, 2, 'bob 0 is mined on the new branch: not re-added');
  t.same(reasons(h).slice(2), [], 'nothing else was removed');
});

test('onBlockDisconnected: microblocks come back tip first; a later nonce waits until its parent returns', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const m1 = [pay(alice, { nonce: 0n })];
  const m2 = [pay(alice, { nonce: 1n })];
  h.chain.connect(m1);
  h.chain.connect(m2);
  h.chain.disconnect(m2);
  h.chain.disconnect(m1);
  h.pool.onBlockDisconnected(m2);
  t.equal(h.pool.get(h.accepted[0]!.id)?.ready, false, 'nonce 1 waits for nonce 0');
  h.pool.onBlockDisconnected(m1);
  h.pool.revalidate();
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 10 }), [...m1, ...m2]);
});

test('onBlockDisconnected: re-added txs bypass the rolling minimum, not the byte cap', async (t) => {
  const h = poolHarness({ maxBytes: 2 * SIZE });
  const [dave, erin] = [wallet(4), wallet(5)];
  for (const w of [alice, bob, carol, dave, erin]) h.chain.set(w.account, RICH);
  const disconnected = [pay(alice, { rate: 12n }), pay(erin, { rate: 11n })];
  h.chain.connect(disconnected);
  h.pool.add(pay(bob, { rate: 40n }), 'local');
  const carolTx = pay(carol, { rate: 50n });
  h.pool.add(carolTx, 'local');
  h.pool.add(pay(dave, { rate: 60n }), 'local'); // evicts bob
  t.equal(h.pool.minFeeRate, 40n + RELAY);
  h.chain.connect([carolTx]);
  h.pool.onBlockConnected([carolTx]); // room for one more

  h.chain.disconnect(disconnected);
  h.pool.onBlockDisconnected(disconnected);
  t.ok(h.pool.has(h.accepted.at(-1)!.id), 'alice at 12 per byte is back, below the rolling minimum');
  t.equal(h.accepted.at(-1)!.tx, disconnected[0]);
  t.equal(h.pool.count, 2, 'erin at 11 per byte did not fit: the cap still holds');
  t.equal(h.pool.bytes, 2 * SIZE);
  t.throws(() => h.pool.add(pay(bob, { nonce: 0n, rate: 12n }), 'local'), {
    code: 'mempool-min-fee-not-met',
  });
});

test('expire: by age (expiryMs), with the descendants, and once valid_until is below the tip key height', async (t) => {
  const h = poolHarness({ expiryMs: 72 * HOUR });
  for (const w of [alice, bob]) h.chain.set(w.account, RICH);
  const old = h.pool.add(pay(alice, { nonce: 0n }), 'local');
  h.clock.now += HOUR;
  const child = h.pool.add(pay(alice, { nonce: 1n }), 'local');
  h.chain.tip.keyHeight = 5n;
  const bounded = h.pool.add(pay(bob, { validUntil: 5n }), 'local');

  h.clock.now += 71 * HOUR - 1;
  h.pool.expire();
  t.equal(h.pool.count, 3, 'one ms short of 72 h nothing goes');
  h.clock.now += 1;
  h.pool.expire();
  t.same(reasons(h), [
    [old.idHex, 'expired'],
    [child.idHex, 'expired'],
  ]);
  t.ok(h.pool.has(bounded.id), 'valid_until = the tip key height still can be included');
  h.chain.tip.keyHeight = 6n;
  h.pool.expire();
  t.same(reasons(h).slice(2), [[bounded.idHex, 'expired']]);
  t.equal(h.pool.count, 0);
});

test('expired: a tx past its valid_until is refused at add', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  h.chain.tip.keyHeight = 9n;
  t.throws(() => h.pool.add(pay(alice, { validUntil: 8n }), 'local'), { code: 'expired' });
});

test('revalidate: a reorg that took a sender’s funds drops its pooled txs (invalid)', async (t) => {
  const h = poolHarness();
  const fee = 20n * BigInt(SIZE);
  h.chain.set(alice.account, 2n * fee + 100n);
  h.chain.set(bob.account, RICH);
  const first = h.pool.add(pay(alice, { nonce: 0n, fee, amount: 50n }), 'local');
  const second = h.pool.add(pay(alice, { nonce: 1n, fee, amount: 50n }), 'local');
  const safe = h.pool.add(pay(bob), 'local');
  h.chain.set(alice.account, 2n * fee + 60n); // an incoming transfer was on the losing branch
  h.pool.revalidate();
  t.same(reasons(h), [[second.idHex, 'invalid']]);
  t.ok(first.ready && safe.ready);
  h.chain.set(alice.account, 0n);
  h.pool.revalidate();
  t.same(reasons(h).slice(1), [[first.idHex, 'invalid']]);
  t.equal(h.pool.count, 1);
});
