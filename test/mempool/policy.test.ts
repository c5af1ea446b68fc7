import fc from 'fast-check';
import { test } from 'tap';
import { Heap } from '../../src/mempool/heap.js';
import {
  compareFeeRate,
  decayedRollingMinimum,
  feeRateCeil,
  paysFeeRate,
  paysReplacement,
  ROLLING_HALF_LIFE_MS,
} from '../../src/mempool/policy.js';

test('fee rates compare exactly, where floats cannot tell them apart', async (t) => {
  const big = 10n ** 30n;
  t.equal(Number(big + 1n) / 3, Number(big) / 3, 'as floats the two rates are equal');
  t.equal(compareFeeRate({ fee: big + 1n, size: 3n }, { fee: big, size: 3n }), 1);
  t.equal(compareFeeRate({ fee: 10n, size: 4n }, { fee: 5n, size: 2n }), 0);
  t.equal(compareFeeRate({ fee: 9n, size: 4n }, { fee: 5n, size: 2n }), -1);
  t.equal(feeRateCeil({ fee: 9n, size: 4n }), 3n);
  t.equal(feeRateCeil({ fee: 8n, size: 4n }), 2n);
});

test('min-relay-fee-not-met boundary: fee ≥ rate × size', async (t) => {
  t.ok(paysFeeRate(1680n, 168, 10n));
  t.notOk(paysFeeRate(1679n, 168, 10n));
});

test('replacement-fee-too-low boundary: new fee × 100 ≥ old fee × 110', async (t) => {
  t.ok(paysReplacement(1100n, 1000n, 110n));
  t.notOk(paysReplacement(1099n, 1000n, 110n));
  t.ok(paysReplacement(11n, 10n, 110n));
  t.notOk(paysReplacement(100n, 91n, 110n), '100 is 109.9% of 91');
  t.notOk(paysReplacement(10n, 10n, 110n), 'the same fee');
});

test('the rolling minimum halves every 12 h and drops to zero below half the min relay fee rate', async (t) => {
  const rate = 10n ** 15n;
  t.equal(decayedRollingMinimum(rate, 0, 10n), rate);
  t.equal(decayedRollingMinimum(rate, ROLLING_HALF_LIFE_MS, 10n), rate / 2n);
  t.equal(decayedRollingMinimum(rate, 2 * ROLLING_HALF_LIFE_MS, 10n), rate / 4n);
  const sixHours = decayedRollingMinimum(rate, ROLLING_HALF_LIFE_MS / 2, 10n);
  t.ok(sixHours < (rate * 7072n) / 10000n && sixHours > (rate * 7071n) / 10000n, 'after 6 h: rate / √2');
  t.equal(decayedRollingMinimum(40n, ROLLING_HALF_LIFE_MS, 100n), 0n, '20 < 100 / 2: gone');
  t.equal(decayedRollingMinimum(100n, ROLLING_HALF_LIFE_MS, 100n), 50n, '50 = 100 / 2: kept');
  t.equal(decayedRollingMinimum(rate, 100 * ROLLING_HALF_LIFE_MS, 10n), 0n);
});

test('the heap pops in order and removes and updates items in place', async (t) => {
  interface Item {
    key: number;
    at: number;
  }
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('push', 'pop', 'remove', 'update'), fc.integer({ min: 0, max: 50 })),
        ),
        (ops) => {
          const heap = new Heap<Item>((a, b) => a.key < b.key, {
            get: (x) => x.at,
            set: (x, i) => (x.at = i),
          });
          const model: Item[] = [];
          for (const [op, value] of ops) {
            const target = model[value % Math.max(1, model.length)];
            if (op === 'push') {
              const item = { key: value, at: -1 };
              heap.push(item);
              model.push(item);
            } else if (op === 'pop') {
              const top = heap.pop();
              const least = model.reduce<Item | undefined>(
                (m, x) => (m === undefined || x.key < m.key ? x : m),
                undefined,
              );
              if (top?.key !== least?.key) return false;
              if (top !== undefined) model.splice(model.indexOf(top), 1);
            } else if (target !== undefined && op === 'remove') {
              heap.remove(target);
              model.splice(model.indexOf(target), 1);
              if (heap.has(target)) return false;
            } else if (target !== undefined) {
              target.key = (target.key * 7 + value) % 53;
              heap.update(target);
            }
            if (heap.size !== model.length) return false;
          }
          const drained: number[] = [];
          for (let x = heap.pop(); x !== undefined; x = heap.pop()) drained.push(x.key);
          return drained.every((k, i) => i === 0 || drained[i - 1]! <= k) && drained.length === model.length;
        },
      ),
      { numRuns: 300 },
    );
  });
});
