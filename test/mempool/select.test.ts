import { test } from 'tap';
import { accountId } from '../../src/protocol/address.js';
import { txEncodedLength, type Tx } from '../../src/protocol/tx.js';
import { seeded } from '../helpers/random.js';
import { RICH, hex, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';

const SIZE = transferSize();

/** a's fee rate ≥ b's, exactly. */
const ratesNonIncreasing = (a: Tx, b: Tx): boolean =>
  a.fee * BigInt(txEncodedLength(b)) >= b.fee * BigInt(txEncodedLength(a));

test('select: fee-rate priority, the sequence never rising across single-tx senders of random rates and sizes', async (t) => {
  const rnd = seeded(11);
  const h = poolHarness();
  for (let i = 0; i < 300; i++) {
    const w = wallet(1000 + i);
    h.chain.set(w.account, RICH);
    h.pool.add(pay(w, { rate: 11n + BigInt(rnd.u32() % 5000), memoLength: rnd.u32() % 257 }), 'local');
    h.clock.now += rnd.u32() % 3; // some arrive at the same ms: ties fall to the id
  }
  const selected = h.pool.select({ maxBytes: 1e9, maxTxs: 1000 });
  t.equal(selected.length, 300);
  const falls = selected.slice(1).every((tx, i) => ratesNonIncreasing(selected[i]!, tx));
  t.ok(falls, 'non-increasing fee rate');
});

test('select: fee-rate priority in nonce order across many chains', async (t) => {
  const rnd = seeded(12);
  const h = poolHarness();
  for (let i = 0; i < 60; i++) {
    const w = wallet(2000 + i);
    h.chain.set(w.account, RICH);
    const length = 1 + (rnd.u32() % 4);
    for (let n = 0n; n < BigInt(length); n++)
      h.pool.add(pay(w, { nonce: n, rate: 11n + BigInt(rnd.u32() % 900) }), 'local');
  }
  const selected = h.pool.select({ maxBytes: 1e9, maxTxs: 1000 });
  t.equal(selected.length, h.pool.count);
  // Taken at step i means: best among the heads not yet taken. Replay that rule and compare.
  const remaining = new Map<string, Tx[]>();
  for (const e of h.pool.entries()) {
    const key = hex(accountId(e.tx.sender));
    remaining.set(
      key,
      [...(remaining.get(key) ?? []), e.tx].sort((a, b) => (a.nonce < b.nonce ? -1 : 1)),
    );
  }
  const agrees = selected.every((tx) => {
    const key = hex(accountId(tx.sender));
    const queue = remaining.get(key)!;
    if (queue[0] !== tx) return false;
    const beatsEveryHead = [...remaining.values()].every(
      (q) => q[0] === undefined || ratesNonIncreasing(tx, q[0]),
    );
    queue.shift();
    return beatsEveryHead;
  });
  t.ok(agrees, 'each pick is its sender’s next tx and pays at least every other sender’s next');
});

test('select: maxTxs and maxBytes hold; a tx that does not fit is skipped with its sender’s later txs', async (t) => {
  const h = poolHarness();
  const [big, small1, small2, small3] = [wallet(1), wallet(2), wallet(3), wallet(4)];
  for (const w of [big, small1, small2, small3]) h.chain.set(w.account, RICH);
  const bigTx = pay(big, { nonce: 0n, rate: 500n, memoLength: 256 });
  const bigChild = pay(big, { nonce: 1n, rate: 400n });
  const smalls = [pay(small1, { rate: 300n }), pay(small2, { rate: 200n }), pay(small3, { rate: 100n })];
  for (const tx of [bigTx, bigChild, ...smalls]) h.pool.add(tx, 'local');

  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 2 }), [bigTx, bigChild], 'maxTxs: the two best');
  t.ok(txEncodedLength(bigTx) > 2 * SIZE && txEncodedLength(bigChild) === SIZE);
  const fits = h.pool.select({ maxBytes: 2 * SIZE, maxTxs: 100 });
  t.same(fits, smalls.slice(0, 2), 'the big tx does not fit, so its cheaper-than-it child is skipped too');
  const total = fits.reduce((sum, tx) => sum + txEncodedLength(tx), 0);
  t.ok(total <= 2 * SIZE);
  t.same(h.pool.select({ maxBytes: 0, maxTxs: 100 }), []);
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 0 }), []);
  t.equal(h.pool.count, 5, 'select removes nothing');
});
