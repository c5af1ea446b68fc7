import { test } from 'tap';
import { txId } from '../../src/protocol/tx.js';
import { RELAY, RICH, codeOf, hex, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';
import { signedTx } from '../helpers/txs.js';

const alice = wallet(1);
const SIZE = transferSize();
const IGNORE = { gossip: 'ignore' } as const;

test('an honest transfer is accepted: ready, counted, announced', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const tx = pay(alice);
  const entry = h.pool.add(tx, 'local');
  t.equal(entry.ready, true);
  t.equal(entry.size, SIZE);
  t.equal(entry.addedAt, h.clock.now);
  t.equal(h.pool.count, 1);
  t.equal(h.pool.bytes, SIZE);
  t.ok(h.pool.has(entry.id));
  t.equal(h.pool.get(entry.id), entry);
  t.same(h.accepted, [entry]);
});

test('accepted carries the origin: local and gossip as add() was told, reorg for a disconnected microblock', async (t) => {
  // The node publishes only 'local' ones: gossipsub relays the gossiped (§10.2).
  const h = poolHarness();
  const [bob, carol] = [wallet(2), wallet(3)];
  for (const w of [alice, bob, carol]) h.chain.set(w.account, RICH);
  const ours = h.pool.add(pay(alice), 'local');
  const theirs = h.pool.add(pay(bob), 'gossip');
  const mined = [pay(carol)];
  h.chain.connect(mined);
  h.chain.disconnect(mined);
  h.pool.onBlockDisconnected(mined);
  t.same(
    h.accepted.map((e) => e.idHex),
    [ours.idHex, theirs.idHex, hex(txId(mined[0]!))],
  );
  t.same(h.origins, ['local', 'gossip', 'reorg']);
});

test('txn-already-known: the same tx twice', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const tx = pay(alice);
  h.pool.add(tx, 'local');
  t.throws(() => h.pool.add(tx, 'local'), {
    code: 'txn-already-known',
    details: { id: hex(txId(tx)), status: 'pending' },
    ...IGNORE,
  });
  t.equal(h.pool.count, 1);
});

test('bad-signature: a flipped signature bit is REJECTed once the tx passes every other rule', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const tx = pay(alice);
  const flipped = { ...tx, signature: tx.signature.map((b, i) => (i === 40 ? b ^ 1 : b)) };
  t.throws(() => h.pool.add(flipped, 'local'), { code: 'bad-signature', gossip: 'reject' });
  t.equal(h.pool.count, 0);
  t.equal(h.pool.add(tx, 'local').ready, true, 'the same tx signed right is taken');
});

test('the signature is checked last: a tx that fails on state costs no signature check, and is IGNOREd', async (t) => {
  const h = poolHarness();
  const tx = pay(alice); // alice has no account
  const flipped = { ...tx, signature: tx.signature.map((b, i) => (i === 40 ? b ^ 1 : b)) };
  t.throws(() => h.pool.add(flipped, 'local'), { code: 'unknown-account', ...IGNORE });
  h.chain.set(alice.account, RICH, 3n);
  const stale = pay(alice, { nonce: 1n });
  const staleFlipped = { ...stale, signature: stale.signature.map((b, i) => (i === 40 ? b ^ 1 : b)) };
  t.throws(() => h.pool.add(staleFlipped, 'local'), { code: 'bad-nonce', ...IGNORE });
  t.equal(h.pool.count, 0);
});

test('min-relay-fee-not-met: fee below minRelayFeeRate × size; exactly the rate passes', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  t.throws(() => h.pool.add(pay(alice, { fee: RELAY * BigInt(SIZE) - 1n }), 'local'), {
    code: 'min-relay-fee-not-met',
    ...IGNORE,
  });
  t.equal(h.pool.add(pay(alice, { fee: RELAY * BigInt(SIZE) }), 'local').ready, true);
});

test('min-relay-fee-not-met: the default min relay fee rate is 10^11 per byte (§4.14)', async (t) => {
  const h = poolHarness({ minRelayFeeRate: 10n ** 11n });
  h.chain.set(alice.account, RICH);
  t.throws(() => h.pool.add(pay(alice, { rate: 10n ** 11n - 1n }), 'local'), {
    code: 'min-relay-fee-not-met',
  });
  t.equal(h.pool.add(pay(alice, { rate: 10n ** 11n }), 'local').ready, true);
});

/** A pool that holds three plain transfers, full with senders 11, 12, 13 paying 20, 30 and 40 per byte. */
function fullPool(): ReturnType<typeof poolHarness> {
  const h = poolHarness({ maxBytes: 3 * SIZE });
  [20n, 30n, 40n].forEach((rate, i) => {
    const w = wallet(11 + i);
    h.chain.set(w.account, RICH);
    h.pool.add(pay(w, { rate }), 'local');
  });
  return h;
}

test('mempool-min-fee-not-met: after an eviction a new tx must beat the evicted rate plus the relay rate', async (t) => {
  const h = fullPool();
  const [bob, carol, dave] = [wallet(21), wallet(22), wallet(23)];
  for (const w of [bob, carol, dave]) h.chain.set(w.account, RICH);
  h.pool.add(pay(bob, { rate: 50n }), 'local'); // evicts the 20 per byte tx
  t.equal(h.removed.length, 1);
  t.equal(h.removed[0]?.reason, 'evicted');
  t.equal(h.pool.minFeeRate, 20n + RELAY, 'the rolling minimum: evicted rate + min relay rate');
  t.throws(() => h.pool.add(pay(carol, { rate: 29n }), 'local'), {
    code: 'mempool-min-fee-not-met',
    ...IGNORE,
  });
  t.equal(h.pool.add(pay(dave, { rate: 35n }), 'local').ready, true, 'paying the rolling minimum passes');
  t.equal(h.pool.bytes, 3 * SIZE);
});

test('mempool-full: a tx paying no more than the lowest in a full pool is refused and changes nothing', async (t) => {
  const h = fullPool();
  const bob = wallet(21);
  h.chain.set(bob.account, RICH);
  const before = [...h.pool.entries()].map((e) => e.idHex);
  t.throws(() => h.pool.add(pay(bob, { rate: 15n }), 'local'), { code: 'mempool-full', ...IGNORE });
  t.throws(
    () => h.pool.add(pay(bob, { rate: 20n }), 'local'),
    { code: 'mempool-full' },
    'a tie goes against the newcomer',
  );
  t.same(
    [...h.pool.entries()].map((e) => e.idHex),
    before,
  );
  t.same(h.removed, []);
  t.equal(h.pool.minFeeRate, RELAY, 'a refusal does not raise the rolling minimum');
});

test('mempool-full: a large tx that would go once the cheaper ones are out is refused, and they stay', async (t) => {
  // It pays 25 per byte and needs two plain txs' room: evicting 20 is not enough, and 30 pays more.
  const h = fullPool();
  const bob = wallet(21);
  h.chain.set(bob.account, RICH);
  const big = pay(bob, { rate: 25n, memoLength: 100 });
  t.ok(transferSize(100) > SIZE && transferSize(100) <= 2 * SIZE);
  t.throws(() => h.pool.add(big, 'local'), { code: 'mempool-full' });
  t.equal(h.pool.count, 3);
  t.equal(h.pool.bytes, 3 * SIZE);
  t.same(h.removed, [], 'the 20 per byte tx was put back');
  t.equal(h.pool.minFeeRate, RELAY);
  t.equal(h.pool.select({ maxBytes: 10 * SIZE, maxTxs: 10 }).length, 3, 'the pool still selects all three');
});

test('too-many-pending: the sender already holds maxPerSender txs in a row from the state nonce', async (t) => {
  const h = poolHarness({ maxPerSender: 4 });
  h.chain.set(alice.account, RICH, 7n);
  for (let n = 7n; n < 11n; n++) h.pool.add(pay(alice, { nonce: n }), 'local');
  t.throws(() => h.pool.add(pay(alice, { nonce: 11n }), 'local'), {
    code: 'too-many-pending',
    details: { nonce: 11n, stateNonce: 7n, maxPerSender: 4 },
    ...IGNORE,
  });
  t.equal(h.pool.count, 4);
});

test('nonce-gap: a nonce past stateNonce + maxPerSender with nonces missing before it names the gap', async (t) => {
  const h = poolHarness({ maxPerSender: 4 });
  h.chain.set(alice.account, RICH, 2n);
  t.throws(
    () => h.pool.add(pay(alice, { nonce: 9n }), 'local'),
    { code: 'nonce-gap', details: { nonce: 9n, expected: 2n, missing: 7n, maxPerSender: 4 }, ...IGNORE },
    'nothing pending: the gap runs from the state nonce',
  );
  const bob = wallet(2);
  h.chain.set(bob.account, RICH, 7n);
  t.equal(h.pool.add(pay(bob, { nonce: 7n }), 'local').ready, true);
  t.equal(h.pool.add(pay(bob, { nonce: 10n }), 'local').ready, false, 'a gap within the window waits');
  t.throws(
    () => h.pool.add(pay(bob, { nonce: 11n }), 'local'),
    { code: 'nonce-gap', details: { nonce: 11n, expected: 8n, missing: 3n } },
    'past the window: the gap runs from the first nonce neither confirmed nor pooled',
  );
  t.equal(h.pool.count, 2);
});

test('replacement-fee-too-low: the same sender and nonce needs at least 110% of the fee', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const fee = 1000n * BigInt(SIZE);
  h.pool.add(pay(alice, { fee }), 'local');
  t.throws(() => h.pool.add(pay(alice, { fee: (fee * 11n) / 10n - 1n, amount: 2n }), 'local'), {
    code: 'replacement-fee-too-low',
    ...IGNORE,
  });
  const replacement = h.pool.add(pay(alice, { fee: (fee * 11n) / 10n, amount: 2n }), 'local');
  t.equal(h.pool.count, 1);
  t.equal(h.removed[0]?.reason, 'replaced');
  t.equal(h.pool.get(replacement.id), replacement);
});

test('bad-nonce: a nonce below the state nonce', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH, 5n);
  t.throws(() => h.pool.add(pay(alice, { nonce: 4n }), 'local'), { code: 'bad-nonce' });
  t.equal(h.pool.count, 0);
});

test('txn-already-known: a tx confirmed on the best chain (in the transaction index) is known, not bad-nonce', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH, 2n);
  const tx = pay(alice, { nonce: 2n });
  h.pool.add(tx, 'local');
  h.chain.connect([tx]);
  h.pool.onBlockConnected([tx]);
  t.throws(() => h.pool.add(tx, 'local'), {
    code: 'txn-already-known',
    details: { id: hex(txId(tx)), status: 'confirmed' },
    ...IGNORE,
  });
  t.throws(
    () => h.pool.add(pay(alice, { nonce: 2n, amount: 2n }), 'local'),
    { code: 'bad-nonce' },
    'another tx with a spent nonce is still bad-nonce',
  );
  t.equal(h.pool.count, 0);
});

test('unknown-account: a sender with no account', async (t) => {
  const h = poolHarness();
  t.throws(() => h.pool.add(pay(alice), 'local'), { code: 'unknown-account' });
});

test('not-app: a PlayReport from an account with no app stake stays out of the pool', async (t) => {
  const h = poolHarness();
  h.chain.set(alice.account, RICH);
  const report = signedTx({
    seed: alice.seed,
    fee: 10n ** 6n,
    payload: {
      type: 8,
      app: new Uint8Array(20),
      attestations: [
        {
          songId: new Uint8Array(32),
          listenerKey: new Uint8Array(32),
          startS: 0n,
          seconds: 60,
          app: new Uint8Array(20),
          serial: 0n,
          sig: new Uint8Array(64),
        },
      ],
    },
  });
  t.throws(() => h.pool.add(report, 'local'), { code: 'not-app' });
});

test('insufficient-funds across a chain: each tx is checked against what its pooled predecessors leave', async (t) => {
  const h = poolHarness();
  const fee = 20n * BigInt(SIZE);
  h.chain.set(alice.account, 2n * fee + 150n);
  h.pool.add(pay(alice, { nonce: 0n, fee, amount: 100n }), 'local');
  t.equal(
    codeOf(() => h.pool.add(pay(alice, { nonce: 1n, fee, amount: 51n }), 'local')),
    'insufficient-funds',
  );
  t.equal(
    h.pool.add(pay(alice, { nonce: 1n, fee, amount: 50n }), 'local').ready,
    true,
    'exactly the rest passes',
  );
  t.equal(
    codeOf(() => h.pool.add(pay(alice, { nonce: 2n, fee }), 'local')),
    'insufficient-funds',
  );

  const bob = wallet(2);
  h.chain.set(bob.account, 2n * fee + 150n);
  h.pool.add(pay(bob, { nonce: 0n, fee, amount: 100n }), 'local');
  t.equal(
    codeOf(() => h.pool.add(pay(bob, { nonce: 2n, fee, amount: 51n }), 'local')),
    'insufficient-funds',
    'a gapped tx is checked against the balance its pooled predecessors leave, at least',
  );
  t.equal(h.pool.count, 3);
});

test('unknown-account: the recipient of a pooled transfer cannot spend before it is mined', async (t) => {
  const h = poolHarness();
  const bob = wallet(2);
  h.chain.set(alice.account, RICH);
  h.pool.add(pay(alice, { to: bob.account, amount: 10n ** 20n }), 'local');
  t.equal(
    codeOf(() => h.pool.add(pay(bob), 'local')),
    'unknown-account',
    'bob exists only once the transfer is mined',
  );
  t.equal(h.pool.bytes, SIZE);
});
