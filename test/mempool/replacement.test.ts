import { test } from 'tap';
import { RuleError } from '../../src/protocol/errors.js';
import { accountId } from '../../src/protocol/address.js';
import { seeded } from '../helpers/random.js';
import type { Mempool } from '../../src/mempool/mempool.js';
import { RICH, hex, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';

const SIZE = transferSize();
const alice = wallet(1);

test('replacement: a tx paying ≥ 110% takes the pooled one’s place in the chain (replaced)', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const txs = [0n, 1n, 2n].map((nonce) => pay(alice, { nonce, rate: 100n }));
  const entries = txs.map((tx) => h.pool.add(tx, 'local'));
  const better = h.pool.add(pay(alice, { nonce: 1n, rate: 110n, amount: 7n }), 'local');
  t.same(
    h.removed.map((r) => [r.entry.idHex, r.reason]),
    [[entries[1]!.idHex, 'replaced']],
  );
  t.notOk(h.pool.has(entries[1]!.id));
  t.equal(h.pool.count, 3);
  t.equal(h.pool.bytes, 3 * SIZE);
  t.ok(better.ready && entries[2]!.ready);
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 10 }), [txs[0], better.tx, txs[2]]);
});

test('replacement: later txs the replacement leaves without funds are dropped (invalid)', async (t) => {
  const h = poolHarness();
  const fee = 100n * BigInt(SIZE);
  h.chain.set(alice.account, 10n * fee);
  const entries = [0n, 1n, 2n, 3n].map((nonce) => h.pool.add(pay(alice, { nonce, fee }), 'local'));
  // Nonce 1 now sends 6 fees' worth: nonces 0 and 1 leave 10 − 1 − 1.1 − 6 = 1.9 fees, enough for nonce 2 only.
  const spender = h.pool.add(pay(alice, { nonce: 1n, fee: (fee * 11n) / 10n, amount: 6n * fee }), 'local');
  t.same(
    h.removed.map((r) => [r.entry.idHex, r.reason]),
    [
      [entries[1]!.idHex, 'replaced'],
      [entries[3]!.idHex, 'invalid'],
    ],
  );
  t.ok(spender.ready && entries[2]!.ready);
  t.equal(h.pool.count, 3);
  t.equal(h.pool.nextNonce(alice.account), 3n);
});

test('replacement: a waiting tx can be replaced and keeps waiting', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  h.pool.add(pay(alice, { nonce: 2n, rate: 50n }), 'local');
  const again = h.pool.add(pay(alice, { nonce: 2n, rate: 60n }), 'local');
  t.equal(again.ready, false);
  t.equal(h.removed[0]?.reason, 'replaced');
  t.equal(h.pool.count, 1);
});

test('replacement: a replacement refused by the full pool leaves the replaced tx in place', async (t) => {
  const h = poolHarness({ maxBytes: 2 * SIZE });
  const bob = wallet(2);
  h.chain.set(alice.account, RICH);
  h.chain.set(bob.account, RICH);
  const original = h.pool.add(pay(alice, { rate: 30n }), 'local');
  h.pool.add(pay(bob, { rate: 40n }), 'local');
  // Twice the fee, but three times the size: a lower rate than bob's, and no room.
  const fat = pay(alice, { fee: 2n * original.tx.fee, memoLength: 256 });
  t.throws(() => h.pool.add(fat, 'local'), { code: 'mempool-full' });
  t.equal(h.pool.get(original.id), original);
  t.equal(original.ready, true);
  t.equal(h.pool.bytes, 2 * SIZE);
  t.same(h.removed, []);
});

/** What must hold after any sequence of operations, read through the public API only. */
function checkConsistent(pool: Mempool, stateNonce: (sender: string) => bigint): string[] {
  const problems: string[] = [];
  const entries = [...pool.entries()];
  if (entries.reduce((sum, e) => sum + e.size, 0) !== pool.bytes) problems.push('bytes');
  if (entries.length !== pool.count) problems.push('count');
  const bySender = new Map<string, bigint[]>();
  for (const e of entries) {
    const key = hex(accountId(e.tx.sender));
    bySender.set(key, [...(bySender.get(key) ?? []), e.tx.nonce]);
  }
  for (const [key, nonces] of bySender) {
    if (new Set(nonces).size !== nonces.length) problems.push(`${key}: two txs with one nonce`);
    let next = stateNonce(key);
    for (const e of entries
      .filter((x) => hex(accountId(x.tx.sender)) === key)
      .sort((a, b) => (a.tx.nonce < b.tx.nonce ? -1 : 1))) {
      if (e.ready !== (e.tx.nonce === next)) problems.push(`${key}: ready flag of nonce ${e.tx.nonce}`);
      if (e.ready) next++;
    }
  }
  const selected = pool.select({ maxBytes: 1e9, maxTxs: 1e6 });
  if (selected.length !== entries.filter((e) => e.ready).length) problems.push('select misses a ready tx');
  return problems;
}

test('replacement keeps the pool consistent through random adds, replacements, blocks and cap evictions', async (t) => {
  const rnd = seeded(99);
  const h = poolHarness({ maxBytes: 40 * SIZE, maxPerSender: 6 });
  const senders = Array.from({ length: 8 }, (_, i) => wallet(300 + i));
  const fee = 50n * BigInt(SIZE);
  for (const w of senders) h.chain.set(w.account, 40n * fee);
  const nonceOf = (key: string): bigint =>
    h.chain.account(senders.find((w) => hex(w.account) === key)!.account)!.nonce;
  const codes = new Map<string, number>();
  const problems: string[] = [];
  for (let step = 0; step < 400; step++) {
    const w = senders[rnd.u32() % senders.length]!;
    const tx = pay(w, {
      nonce: h.chain.account(w.account)!.nonce + BigInt(rnd.u32() % 7),
      fee: fee + BigInt(rnd.u32() % 4) * (fee / 5n),
      amount: 1n + BigInt(rnd.u32() % 3) * fee,
      memoLength: rnd.u32() % 64,
    });
    try {
      h.pool.add(tx, 'local');
      codes.set('accepted', (codes.get('accepted') ?? 0) + 1);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
    }
    h.clock.now += 1;
    if (step % 40 === 39) {
      const block = h.pool.select({ maxBytes: 1e9, maxTxs: 5 });
      h.chain.connect(block);
      h.pool.onBlockConnected(block);
    }
    problems.push(...checkConsistent(h.pool, nonceOf).map((p) => `step ${step}: ${p}`));
  }
  t.same(problems, []);
  t.ok((codes.get('accepted') ?? 0) > 50, JSON.stringify(Object.fromEntries(codes)));
  const why = new Set(h.removed.map((r) => r.reason));
  t.ok(why.has('replaced') && why.has('included') && why.has('evicted'), [...why].join(', '));
});
