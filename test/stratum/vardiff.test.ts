import { test, type Test } from 'tap';
import { targetFromBits } from '../../src/consensus/difficulty.js';
import { MAINNET } from '../../src/protocol/params.js';
import { hashesPerShare, maxExponent, MIN_EXPONENT } from '../../src/stratum/difficulty.js';
import { DEFAULT_VARDIFF, Vardiff } from '../../src/stratum/vardiff.js';
import { seeded } from '../helpers/random.js';

const MINUTE = 60_000;
/** An LWMA target 2^40 below mainnet's POW_LIMIT: room above every simulated worker. */
const MAX = maxExponent(targetFromBits(MAINNET.powLimitBits) >> 40n);
/** Hash rates from 50 H/s to 100 kH/s, evenly spaced in log. */
const RATES = Array.from({ length: 24 }, (_, i) => 50 * 2000 ** (i / 23));
/** Runs per rate; each run has a seed of its own. */
const RUNS_PER_RATE = 8;

/** Expected seconds per share for a worker hashing `rate` per second at exponent k. */
const interval = (k: number, rate: number): number => hashesPerShare(k) / rate;
/** 15 s ± 50% (§11.4 policy). */
const onTarget = (k: number, rate: number): boolean => Math.abs(interval(k, rate) / 15 - 1) <= 0.5;
/** The exponent whose expected interval is nearest 15 s (in log). */
function bestExponent(rate: number): number {
  let best = MIN_EXPONENT;
  for (let k = MIN_EXPONENT; k <= MAX; k++) {
    if (Math.abs(Math.log2(interval(k, rate) / 15)) < Math.abs(Math.log2(interval(best, rate) / 15)))
      best = k;
  }
  return best;
}

interface Change {
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

interface Run {
  readonly exponent: number;
  readonly changes: readonly Change[];
  /** ms spent with the expected interval within 15 s ± 50%. */
  readonly onTargetMs: number;
}

/**
 * A worker whose shares arrive as a Poisson process with mean interval hashesPerShare(k)/rate, on a
 * simulated clock; retarget() runs after every share and every second, as the server calls it.
 */
function simulate(opts: {
  readonly rate: (now: number) => number;
  readonly start: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly max?: number;
}): Run {
  const random = seeded(opts.seed);
  let now = 0;
  const vardiff = new Vardiff(opts.start, opts.max ?? MAX, () => now);
  const changes: Change[] = [];
  let onTargetMs = 0;
  const nextShare = (): number => {
    const uniform = (random.u32() + 0.5) / 2 ** 32;
    return now - Math.log(uniform) * interval(vardiff.exponent, rate) * 1000;
  };
  let rate = opts.rate(0);
  let share = nextShare();
  let tick = 1000;
  while (now < opts.durationMs) {
    const from = vardiff.exponent;
    const before = now;
    const isShare = share < tick;
    now = isShare ? share : tick;
    if (onTarget(from, rate)) onTargetMs += now - before;
    if (isShare) vardiff.recordShare();
    else tick += 1000;
    const changed = vardiff.retarget();
    if (changed !== undefined) changes.push({ at: now, from, to: changed });
    const newRate = opts.rate(now);
    // A share was used up, or the exponent or rate it was drawn at changed: draw anew (memoryless).
    if (isShare || changed !== undefined || newRate !== rate) {
      rate = newRate;
      share = nextShare();
    }
  }
  return { exponent: vardiff.exponent, changes, onTargetMs };
}

/** Every change at least 60 s after the last (and after the start), by at most ±2, within bounds. */
function checkLimits(run: Run, max = MAX): string | undefined {
  let last = 0;
  for (const change of run.changes) {
    if (change.at - last < DEFAULT_VARDIFF.retargetMs) return `two changes ${change.at - last} ms apart`;
    if (Math.abs(change.to - change.from) > DEFAULT_VARDIFF.maxStep)
      return `a step ${change.from}→${change.to}`;
    if (change.to < MIN_EXPONENT || change.to > max) return `out of bounds: ${change.to}`;
    last = change.at;
  }
  return undefined;
}

/** Runs one scenario over all rates and seeds; returns the share of runs that end on target. */
function scenario(
  t: Test,
  name: string,
  run: (rate: number, seed: number) => Run,
  endRate: (rate: number) => number = (rate) => rate,
): number {
  let good = 0;
  let total = 0;
  for (const [i, rate] of RATES.entries()) {
    for (let j = 0; j < RUNS_PER_RATE; j++) {
      const seed = 1 + i * RUNS_PER_RATE + j;
      const result = run(rate, seed);
      const broken = checkLimits(result);
      if (broken !== undefined) t.fail(`${name}, ${rate.toFixed(0)} H/s, seed ${seed}: ${broken}`);
      total++;
      if (onTarget(result.exponent, endRate(rate))) good++;
    }
  }
  const share = good / total;
  t.comment(`${name}: ${good}/${total} (${(100 * share).toFixed(1)}%) within 15 s ± 50%`);
  return share;
}

// Poisson noise bounds what any estimator can do with ~4 shares a minute and steps of ×4 at most once
// a minute (decision 107): even a worker left at its best difficulty spends ~6% of the time one step
// off after an unlucky minute. The floors sit under the rates this estimator reaches here (97.4%,
// 90.6%, 88.0%; over 500 random rates per scenario: 97.4%, 90.4%, 88.8%), so they catch a
// regression, not bad luck; the seeds are fixed, so the result is the same on every run.

test('vardiff: a worker 64× too easy converges to one share per 15 s ± 50% within 5 minutes', async (t) => {
  const share = scenario(t, '64× too easy, after 5 min', (rate, seed) =>
    simulate({ rate: () => rate, start: bestExponent(rate) - 6, durationMs: 5 * MINUTE, seed }),
  );
  t.ok(share >= 0.95, `${share}`);
});

test('vardiff: a worker 16× too hard converges to one share per 15 s ± 50% within 5 minutes', async (t) => {
  const share = scenario(t, '16× too hard, after 5 min', (rate, seed) =>
    simulate({ rate: () => rate, start: bestExponent(rate) + 4, durationMs: 5 * MINUTE, seed }),
  );
  t.ok(share >= 0.85, `${share}`);
  const later = scenario(t, '16× too hard, after 8 min', (rate, seed) =>
    simulate({ rate: () => rate, start: bestExponent(rate) + 4, durationMs: 8 * MINUTE, seed }),
  );
  t.ok(later >= 0.9, `${later}`);
});

test('vardiff: a worker whose rate drops 16× is followed down within 5 more minutes', async (t) => {
  const share = scenario(
    t,
    'rate ÷16 at 5 min, after 10 min',
    (rate, seed) =>
      simulate({
        rate: (now) => (now < 5 * MINUTE ? rate : rate / 16),
        start: bestExponent(rate),
        durationMs: 10 * MINUTE,
        seed,
      }),
    (rate) => rate / 16,
  );
  t.ok(share >= 0.85, `${share}`);
});

test('vardiff: a worker at the right difficulty stays there', async (t) => {
  let changes = 0;
  let onTargetMs = 0;
  let runs = 0;
  for (const [i, rate] of RATES.entries()) {
    for (const seed of [1000 + i, 2000 + i]) {
      const run = simulate({ rate: () => rate, start: bestExponent(rate), durationMs: 60 * MINUTE, seed });
      const broken = checkLimits(run);
      if (broken !== undefined) t.fail(broken);
      changes += run.changes.length;
      onTargetMs += run.onTargetMs;
      runs++;
    }
  }
  const perHour = changes / runs;
  const time = onTargetMs / (runs * 60 * MINUTE);
  t.comment(`${perHour.toFixed(2)} changes an hour, ${(100 * time).toFixed(1)}% of the time on target`);
  t.ok(perHour < 6, 'a rule that moves at every 2× deviation in one minute makes ~26 an hour');
  t.ok(time > 0.9);
});

test('vardiff: a far too easy start climbs by exactly +2 a minute, a silent worker falls by −2', async (t) => {
  // 100 kH/s at 2^−9 (128 hashes a share): ~8,000× too easy.
  const fast = simulate({ rate: () => 100_000, start: -9, durationMs: 5 * MINUTE, seed: 9 });
  t.same(
    fast.changes.map((c) => [c.at, c.to - c.from]),
    [1, 2, 3, 4, 5].map((m) => [m * MINUTE, 2]),
  );
  const silent = simulate({ rate: () => 1e-9, start: 20, durationMs: 3 * MINUTE, seed: 9 });
  t.same(
    silent.changes.map((c) => c.to),
    [18, 16, 14],
  );
});

test('vardiff: the bounds hold; setMax clamps at once and restarts the wait', async (t) => {
  // Regtest: max −15; a 1 kH/s worker (500 shares a second) stays at the easiest difficulty.
  const regtest = simulate({ rate: () => 1000, start: 0, durationMs: 3 * MINUTE, seed: 3, max: -15 });
  t.equal(regtest.exponent, -15);
  t.same(regtest.changes, [], 'the start is clamped, never reported as a change');
  const slow = simulate({ rate: () => 0.001, start: -14, durationMs: 10 * MINUTE, seed: 3 });
  t.equal(slow.exponent, MIN_EXPONENT, 'a near-dead worker rests at 2^−15');
  t.equal(checkLimits(slow), undefined);

  let now = 0;
  const vardiff = new Vardiff(10, 20, () => now);
  now = 30_000;
  t.equal(vardiff.setMax(7), 7, 'clamped at once');
  t.equal(vardiff.exponent, 7);
  t.equal(vardiff.setMax(7), undefined, 'already there');
  t.equal(vardiff.setMax(12), undefined, 'raising max changes nothing');
  for (let i = 0; i < 1000; i++) vardiff.recordShare(); // 250× too many
  now = 61_000;
  t.equal(vardiff.retarget(), undefined, 'less than 60 s since the clamp');
  now = 90_000;
  t.equal(vardiff.retarget(), 9, '60 s after the clamp: +2');
  now = 150_000;
  for (let i = 0; i < 1000; i++) vardiff.recordShare();
  now = 180_000;
  t.equal(vardiff.retarget(), 11);
  t.equal(vardiff.setMax(10), 10);
  t.throws(() => vardiff.setMax(MIN_EXPONENT - 1), RangeError);
  t.throws(() => new Vardiff(0.5, 0, () => 0), RangeError);
  t.throws(() => new Vardiff(0, 0, () => 0, { ...DEFAULT_VARDIFF, maxStep: 0 }), RangeError);
});

test('vardiff: a clock that steps back or jumps a day neither throws nor stalls', async (t) => {
  let now = 1_000_000;
  const vardiff = new Vardiff(0, 20, () => now);
  now = 500_000;
  vardiff.recordShare();
  t.equal(vardiff.retarget(), undefined, 'no time has passed');
  now = 1_000_000 + 86_400_000;
  t.equal(vardiff.retarget(), -2, 'a silent day: −2');
  now += 60_000;
  t.equal(vardiff.retarget(), -4);
});
