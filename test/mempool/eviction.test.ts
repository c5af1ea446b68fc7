import { test } from 'tap';
import { compareFeeRate, type FeeRate } from '../../src/mempool/policy.js';
import { accountId } from '../../src/protocol/address.js';
import { RuleError } from '../../src/protocol/errors.js';
import { txEncodedLength, type Tx } from '../../src/protocol/tx.js';
import { seeded } from '../helpers/random.js';
import { RELAY, RICH, hex, pay, poolHarness, transferSize, wallet } from '../helpers/mempool.js';

const SIZE = transferSize();
const HOUR = 60 * 60 * 1000;

const rateOf = (tx: Tx): FeeRate => ({ fee: tx.fee, size: BigInt(txEncodedLength(tx)) });
const lower = (a: FeeRate, b: FeeRate): FeeRate => (compareFeeRate(b, a) < 0 ? b : a);

test('byte cap: under a flood of 5× the cap the pool never exceeds it, and evicts only the lowest effective fee rates', async (t) => {
  const cap = 200_000;
  const rnd = seeded(2024);
  const h = poolHarness({ maxBytes: cap });
  let highest = 0;
  const sample = (): void => {
    highest = Math.max(highest, h.pool.bytes);
  };
  h.pool.on('accepted', sample);
  h.pool.on('removed', sample);

  // Chains of 1–3 transfers with random rates and sizes; a chain stops at its first refused or evicted tx,
  // so a sender's pooled txs always run from nonce 0 and its evicted ones are its last.
  const chains = new Map<string, Tx[]>();
  for (let i = 0; i < 2000; i++) {
    const w = wallet(10_000 + i);
    h.chain.set(w.account, RICH);
    const length = 1 + (rnd.u32() % 3);
    chains.set(
      hex(w.account),
      Array.from({ length }, (_, n) =>
        pay(w, {
          nonce: BigInt(n),
          rate: RELAY + 1n + BigInt(rnd.u32() % 10_000),
          memoLength: rnd.u32() % 257,
        }),
      ),
    );
  }
  const flood = [...chains.values()].flat().reduce((sum, tx) => sum + txEncodedLength(tx), 0);
  t.ok(flood >= 5 * cap, `the flood is ${flood} bytes`);

  const dead = new Set<string>();
  h.pool.on('removed', (entry) => dead.add(hex(accountId(entry.tx.sender))));
  const codes = new Set<string>();
  const queues = [...chains.entries()].map(([key, txs]) => ({ key, txs: [...txs] }));
  while (queues.length > 0) {
    const at = rnd.u32() % queues.length;
    const queue = queues[at]!;
    const tx = queue.txs.shift()!;
    if (queue.txs.length === 0) queues.splice(at, 1);
    if (dead.has(queue.key)) continue;
    try {
      h.pool.add(tx, 'local');
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      codes.add(err.code);
      dead.add(queue.key);
    }
    sample();
  }

  t.ok(highest <= cap, `bytes never above the cap (highest seen ${highest})`);
  t.ok(h.pool.bytes > cap - 500, 'the pool ends nearly full');
  const capCodes = ['mempool-full', 'mempool-min-fee-not-met'];
  t.ok(
    [...codes].every((code) => capCodes.includes(code)),
    `only the cap refuses: ${[...codes].join(', ')}`,
  );
  const sizes = [...h.pool.entries()].reduce((sum, e) => sum + e.size, 0);
  t.equal(sizes, h.pool.bytes, 'bytes is the sum of the entry sizes');

  const effective = (tx: Tx): FeeRate =>
    chains
      .get(hex(accountId(tx.sender)))!
      .slice(0, Number(tx.nonce) + 1)
      .map(rateOf)
      .reduce(lower);
  const evicted = h.removed.filter((r) => r.reason === 'evicted').map((r) => effective(r.entry.tx));
  t.equal(evicted.length, h.removed.length, 'every removal is an eviction');
  t.ok(evicted.length > 100, `${evicted.length} evicted`);
  const kept = [...h.pool.entries()].map((e) => effective(e.tx));
  const highestEvicted = evicted.reduce((a, b) => (compareFeeRate(a, b) >= 0 ? a : b));
  const lowestKept = kept.reduce(lower);
  t.ok(compareFeeRate(highestEvicted, lowestKept) <= 0, 'every evicted effective fee rate ≤ every kept one');

  // The rolling minimum (§4.14): raised by the evictions, halved every 12 h, gone once below relay / 2.
  const raised = h.pool.minFeeRate;
  t.ok(raised > RELAY, `raised to ${raised}`);
  h.clock.now += 12 * HOUR;
  t.equal(h.pool.minFeeRate, raised / 2n > RELAY ? raised / 2n : RELAY, 'halved after 12 h');
  h.clock.now += 30 * 24 * HOUR;
  t.equal(h.pool.minFeeRate, RELAY, 'back to the min relay fee rate');
});

test('eviction takes a chain from its end: a rich child of a cheap parent goes first, and the parent after it', async (t) => {
  const h = poolHarness({ maxBytes: 3 * SIZE });
  const [alice, bob, carol] = [wallet(1), wallet(2), wallet(3)];
  for (const w of [alice, bob, carol]) h.chain.set(w.account, RICH);
  const parent = h.pool.add(pay(alice, { nonce: 0n, rate: 15n }), 'local');
  const child = h.pool.add(pay(alice, { nonce: 1n, rate: 900n }), 'local'); // effective rate 15
  h.pool.add(pay(bob, { rate: 20n }), 'local');
  h.pool.add(pay(carol, { rate: 50n }), 'local');
  t.same(
    h.removed.map((r) => [r.entry.idHex, r.reason]),
    [[child.idHex, 'evicted']],
  );
  t.equal(parent.ready, true);
  t.equal(h.pool.minFeeRate, 15n + RELAY);
  h.pool.add(pay(carol, { nonce: 1n, rate: 60n }), 'local');
  t.same(
    h.removed.map((r) => r.entry.idHex),
    [child.idHex, parent.idHex],
  );
});

test('byte cap: a chained tx whose parent pays little is refused when the parent is the cheapest', async (t) => {
  const h = poolHarness({ maxBytes: 2 * SIZE });
  const [alice, bob] = [wallet(1), wallet(2)];
  for (const w of [alice, bob]) h.chain.set(w.account, RICH);
  h.pool.add(pay(alice, { nonce: 0n, rate: 15n }), 'local');
  h.pool.add(pay(bob, { rate: 20n }), 'local');
  t.throws(() => h.pool.add(pay(alice, { nonce: 1n, rate: 1000n }), 'local'), { code: 'mempool-full' });
  t.equal(h.pool.count, 2);
});
