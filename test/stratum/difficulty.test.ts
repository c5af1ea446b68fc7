import fc from 'fast-check';
import { test } from 'tap';
import { targetFromBits } from '../../src/consensus/difficulty.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';
import {
  difficultyHint,
  difficultyOf,
  exponentFor,
  hashesPerShare,
  MAX_EXPONENT,
  maxExponent,
  MIN_EXPONENT,
  shareTarget,
} from '../../src/stratum/difficulty.js';

/** §11.4 written out independently: floor(2^112 / d)·2^128 + 2^128 − 1 with d = 2^k as a fraction. */
function specTarget(k: number): bigint {
  const [numerator, denominator] = k >= 0 ? [1n << BigInt(k), 1n] : [1n, 1n << BigInt(-k)];
  const high = ((1n << 112n) * denominator) / numerator; // 2^112 / (numerator / denominator)
  return high * (1n << 128n) + (1n << 128n) - 1n;
}

const MAINNET_LIMIT = targetFromBits(MAINNET.powLimitBits);
const REGTEST_LIMIT = targetFromBits(REGTEST.powLimitBits);

test('§11.4 vectors: the share target for d = 2^k, k from −15 to 20, is floor(2^112/d)·2^128 + 2^128 − 1', async (t) => {
  for (let k = -15; k <= 20; k++) t.equal(shareTarget(k), specTarget(k), `k = ${k}`);
  t.equal(
    shareTarget(-15),
    (1n << 255n) + (1n << 128n) - 1n,
    'k = −15: high half 2^127, still within 128 bits',
  );
  const ratio = Number(shareTarget(0)) / Number(MAINNET_LIMIT);
  t.ok(ratio >= 1 && ratio < 1.0001, `d = 1 is ≈ mainnet POW_LIMIT (ratio ${ratio})`);
});

test('share exponents outside [MIN_EXPONENT, MAX_EXPONENT] or not integers are a RangeError', async (t) => {
  t.throws(() => shareTarget(MIN_EXPONENT - 1), RangeError);
  t.throws(() => shareTarget(MAX_EXPONENT + 1), RangeError);
  t.throws(() => shareTarget(0.5), RangeError);
  t.throws(() => difficultyOf(-16), RangeError);
  t.equal(shareTarget(MAX_EXPONENT), (1n << 128n) + (1n << 128n) - 1n, 'k = 112: high half 1');
});

test('shareTarget is strictly decreasing in k and shareTarget(k) + 1 is a multiple of 2^128', async (t) => {
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_EXPONENT, max: MAX_EXPONENT - 1 }), (k) => {
        const target = shareTarget(k);
        return target > shareTarget(k + 1) && (target + 1n) % (1n << 128n) === 0n;
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});

test('maxExponent: the hardest difficulty whose share target is still ≥ the block target', async (t) => {
  t.equal(maxExponent(REGTEST_LIMIT), -15, 'regtest: every allowed difficulty but the easiest is too hard');
  t.equal(maxExponent(MAINNET_LIMIT), 0, 'mainnet POW_LIMIT: difficulty 1');
  const cases: [string, bigint][] = [
    ['regtest POW_LIMIT', REGTEST_LIMIT],
    ['mainnet POW_LIMIT', MAINNET_LIMIT],
    ['LWMA after 3× the hash rate', MAINNET_LIMIT / 3n],
    ['LWMA after 1,000× the hash rate', MAINNET_LIMIT / 1000n],
    ['LWMA at 10^12 hashes a block', (1n << 256n) / 10n ** 12n],
    ['exactly shareTarget(5)', shareTarget(5)],
    ['one above shareTarget(5)', shareTarget(5) + 1n],
    ['one below shareTarget(5)', shareTarget(5) - 1n],
    ['the hardest possible target, 1', 1n],
  ];
  for (const [name, target] of cases) {
    const max = maxExponent(target);
    t.ok(shareTarget(max) >= target, `${name}: shareTarget(${max}) ≥ target`);
    t.ok(max === MAX_EXPONENT || shareTarget(max + 1) < target, `${name}: shareTarget(${max + 1}) < target`);
  }
  t.equal(maxExponent(shareTarget(5)), 5);
  t.equal(maxExponent(shareTarget(5) + 1n), 4);
  t.equal(maxExponent((1n << 256n) - 1n), MIN_EXPONENT, 'a target above every share target: the easiest');
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: REGTEST_LIMIT }), (target) => {
        const max = maxExponent(target);
        return shareTarget(max) >= target && (max === MAX_EXPONENT || shareTarget(max + 1) < target);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});

test('difficultyOf sends 2^k exactly', async (t) => {
  t.equal(difficultyOf(-15), 0.000030517578125);
  t.equal(String(difficultyOf(-15)), '0.000030517578125', 'JSON writes it without rounding');
  t.equal(difficultyOf(0), 1);
  t.equal(difficultyOf(-1), 0.5);
  t.equal(difficultyOf(20), 1048576);
  for (let k = MIN_EXPONENT; k <= MAX_EXPONENT; k++) {
    // Exact: a power of two survives the JSON round trip and cpuminer's 2^112/d in doubles.
    if (JSON.parse(JSON.stringify(difficultyOf(k))) !== 2 ** k) t.fail(`k = ${k}`);
  }
});

test('exponentFor: a miner’s difficulty hint becomes the power of two at or below it, clamped', async (t) => {
  const max = 20;
  t.equal(exponentFor(difficultyHint('d=0.5') ?? NaN, max), -1, '"d=0.5"');
  t.equal(exponentFor(3, max), 1, '3 → 2');
  t.equal(exponentFor(4, max), 2, 'a power of two is kept');
  t.equal(exponentFor(2 ** 10 - 1e-9, max), 9, 'just below a power of two');
  for (let k = MIN_EXPONENT + 1; k <= MAX_EXPONENT; k++) {
    // 2^k and the double just below it, where Math.log2 rounds up to k.
    if (exponentFor(2 ** k, MAX_EXPONENT) !== k) t.fail(`2^${k}`);
    if (exponentFor(2 ** k * (1 - 2 ** -53), MAX_EXPONENT) !== k - 1) t.fail(`just below 2^${k}`);
  }
  t.equal(exponentFor(1e-9, max), MIN_EXPONENT, 'too easy → −15');
  t.equal(exponentFor(1e30, max), max, 'too hard → the network’s max');
  t.equal(exponentFor(1e30, maxExponent(REGTEST_LIMIT)), -15, 'on regtest every hint is −15');
  t.equal(exponentFor(Number.MIN_VALUE, max), MIN_EXPONENT);
  t.equal(exponentFor(Number.MAX_VALUE, max), max);
  for (const bad of [NaN, 0, -1, Infinity, -Infinity]) t.equal(exponentFor(bad, max), undefined, String(bad));
});

test('difficultyHint reads d=<number> from the authorize password and nothing else', async (t) => {
  t.equal(difficultyHint('d=0.5'), 0.5);
  t.equal(difficultyHint('d=16'), 16);
  t.equal(difficultyHint('x,d=1e-3'), 0.001, 'a field among others');
  t.equal(difficultyHint(' d=.25 '), 0.25);
  t.equal(difficultyHint('D=2'), 2);
  for (const password of [
    'x',
    '',
    'd=',
    'd=0x10',
    'd=-1',
    'd=1.5.5',
    'd=abc',
    'sd=16',
    'd=Infinity',
    'd=1 2',
  ]) {
    t.equal(difficultyHint(password), undefined, JSON.stringify(password));
  }
  t.equal(exponentFor(difficultyHint('d=1e999') ?? NaN, 20), undefined, 'a hint beyond a double is ignored');
});

test('hashesPerShare is 2^256 / (shareTarget(k) + 1) ≈ 2^(k+16)', async (t) => {
  t.equal(hashesPerShare(0), 65536, 'd = 1: 65,536 hashes (2^16 / (1 + 2^−112) in doubles)');
  t.equal(hashesPerShare(-15), 2, 'd = 2^−15: two hashes a share');
  for (let k = MIN_EXPONENT; k <= MAX_EXPONENT; k++) {
    const exact = 2 ** 256 / Number(specTarget(k) + 1n);
    const near = 2 ** (k + 16) / (1 + 2 ** (k - 112)); // (2^(112−k) + 1)·2^128 = shareTarget(k) + 1
    if (hashesPerShare(k) !== exact || Math.abs(hashesPerShare(k) / near - 1) > 1e-15) {
      t.fail(`k = ${k}: ${hashesPerShare(k)}, expected ${exact}`);
    }
  }
});
