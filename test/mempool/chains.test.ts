import { test } from 'tap';
import { accountId } from '../../src/protocol/address.js';
import { txId, type Tx } from '../../src/protocol/tx.js';
import { seeded } from '../helpers/random.js';
import { RICH, hex, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';

const alice = wallet(1);
const SIZE = transferSize();

test('nonce chains: a gapped tx waits (not ready, not selected) and is promoted when the gap fills', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH, 3n);
  const second = h.pool.add(pay(alice, { nonce: 4n, rate: 90n }), 'local');
  t.equal(second.ready, false);
  t.same(h.pool.select({ maxBytes: 1e6, maxTxs: 100 }), [], 'a waiting tx is not selectable');
  t.equal(h.pool.nextNonce(alice.account), 3n);
  const first = h.pool.add(pay(alice, { nonce: 3n, rate: 20n }), 'local');
  t.equal(first.ready, true);
  t.equal(second.ready, true, 'promoted once the gap filled');
  t.same(
    h.pool.select({ maxBytes: 1e6, maxTxs: 100 }).map((tx) => tx.nonce),
    [3n, 4n],
    'the richer child still comes after its parent',
  );
  t.equal(h.pool.nextNonce(alice.account), 5n);
});

test('nonce chains: a waiting tx that fails once its gap fills is dropped (invalid) with its descendants', async (t) => {
  const h = poolHarness();
  const fee = 20n * BigInt(SIZE);
  h.chain.set(alice.account, 2n * fee + 1000n);
  // Each fits the balance alone; nonce 1 does not fit after nonce 0 took 900.
  const one = h.pool.add(pay(alice, { nonce: 1n, fee, amount: 500n }), 'local');
  const two = h.pool.add(pay(alice, { nonce: 2n, fee, amount: 1n }), 'local');
  h.pool.add(pay(alice, { nonce: 0n, fee, amount: 900n }), 'local');
  t.same(
    h.removed.map((r) => [r.entry.idHex, r.reason]),
    [
      [one.idHex, 'invalid'],
      [two.idHex, 'invalid'],
    ],
  );
  t.equal(h.pool.count, 1);
  t.equal(h.pool.nextNonce(alice.account), 1n);
});

test('nextNonce: undefined for an unknown account; otherwise the state nonce plus the contiguous pooled chain', async (t) => {
  const h = poolHarness();
  t.equal(h.pool.nextNonce(alice.account), undefined);
  h.chain.set(alice.account, RICH, 2n);
  t.equal(h.pool.nextNonce(alice.account), 2n);
  h.pool.add(pay(alice, { nonce: 2n }), 'local');
  h.pool.add(pay(alice, { nonce: 3n }), 'local');
  h.pool.add(pay(alice, { nonce: 5n }), 'local');
  t.equal(h.pool.nextNonce(alice.account), 4n, 'the waiting nonce 5 does not count');
});

test('select never returns a tx before its predecessor, whatever the fee rates and the order of arrival', async (t) => {
  const rnd = seeded(7);
  const h = poolHarness();
  const senders = Array.from({ length: 30 }, (_, i) => wallet(100 + i));
  const txs: Tx[] = [];
  for (const w of senders) {
    const start = BigInt(rnd.u32() % 5);
    h.chain.set(w.account, RICH, start);
    const length = 1 + (rnd.u32() % 6);
    for (let k = 0n; k < BigInt(length); k++) {
      txs.push(pay(w, { nonce: start + k, rate: 11n + BigInt(rnd.u32() % 1000) }));
    }
  }
  // Shuffled: children often arrive before their parents and wait.
  for (let i = txs.length - 1; i > 0; i--) {
    const j = rnd.u32() % (i + 1);
    [txs[i], txs[j]] = [txs[j]!, txs[i]!];
  }
  for (const tx of txs) h.pool.add(tx, 'local');
  t.equal(h.pool.count, txs.length);
  t.ok(
    [...h.pool.entries()].every((e) => e.ready),
    'every gap filled',
  );

  const selected = h.pool.select({ maxBytes: 1e9, maxTxs: 10_000 });
  t.equal(selected.length, txs.length);
  const next = new Map(senders.map((w) => [hex(w.account), h.chain.account(w.account)!.nonce]));
  const inOrder = selected.every((tx) => {
    const key = hex(accountId(tx.sender));
    if (next.get(key) !== tx.nonce) return false;
    next.set(key, tx.nonce + 1n);
    return true;
  });
  t.ok(inOrder, 'each sender from its state nonce up, without a gap');
  t.same(
    h.pool.select({ maxBytes: 1e9, maxTxs: 10_000 }).map((tx) => hex(txId(tx))),
    selected.map((tx) => hex(txId(tx))),
    'select is deterministic and leaves the pool as it was',
  );
});
