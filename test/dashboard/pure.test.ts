// The dashboard's pure parts under Node: number formatting, the chart's
// geometry, and the benchmark's self-test on the real wasm and on a broken hash.
import { test } from 'tap';
import { chartPaths, niceCeiling, type ChartBox } from '../../src/dashboard/chart.js';
import {
  formatAge,
  formatAltoShort,
  formatBytes,
  formatFeeRate,
  formatHashRate,
  percentOf,
  shortId,
} from '../../src/dashboard/format.js';
import { checkVectors, describeFailure, type YespowerFn } from '../../src/dashboard/self-test.js';
import { yespower } from '../../src/crypto/pow.js';
import { YESPOWER_VECTORS } from '../../src/crypto/yespower-vectors.js';

const ALTO = 10n ** 18n;

test('format: hash rates, amounts, shares, ages, sizes, fee rates and ids read as an operator expects', async (t) => {
  t.equal(formatHashRate(0), '0 H/s');
  t.equal(formatHashRate(Number.NaN), '0 H/s');
  t.equal(formatHashRate(152.34), '152.3 H/s');
  t.equal(formatHashRate(7.5), '7.5 H/s');
  t.equal(formatHashRate(15_234), '15.23 kH/s');
  t.equal(formatHashRate(2_500_000), '2.50 MH/s');
  t.equal(formatHashRate(123_456_000), '123.5 MH/s');

  t.equal(formatAltoShort(25_000_000n * ALTO, 0), '25,000,000 ALTO');
  t.equal(formatAltoShort(1234n * ALTO + ALTO / 2n), '1,234.50 ALTO');
  t.equal(formatAltoShort(1n), '≈ 0.00 ALTO', 'a rounded-down amount says so');
  t.equal(formatAltoShort(12_500_000_000_000_000_000n, 4), '12.5000 ALTO');
  // Past 2^53 base units the bigint path stays exact.
  t.equal(formatAltoShort(2n ** 128n - 1n, 0), '≈ 340,282,366,920,938,463,463 ALTO');

  t.equal(percentOf(1_000_000n * ALTO, 25_000_000n * ALTO), 4);
  t.equal(percentOf(1n, 3n), 33.33);
  t.equal(percentOf(5n, 0n), 0, 'no division by a zero cap');

  t.equal(formatAge(42.9), '42 s');
  t.equal(formatAge(185), '3 min 5 s');
  t.equal(formatAge(7800), '2 h 10 min');
  t.equal(formatAge(273_600), '3 d 4 h');
  t.equal(formatAge(-5), '0 s', 'a clock ahead of the block is not a negative age');

  t.equal(formatBytes(512), '512 B');
  t.equal(formatBytes(1500), '1.5 kB');
  t.equal(formatBytes(2_300_000), '2.3 MB');
  t.equal(formatFeeRate(100_000_000_000n), '100,000,000,000 base units/B (0.0001 ALTO/kB)');

  t.equal(shortId('ab'.repeat(32)), 'abababab…abab');
  t.equal(shortId('short'), 'short');
});

test('chart: samples inside the window map onto the box, older ones are left out, the top is a round number', async (t) => {
  t.equal(niceCeiling(0), 1);
  t.equal(niceCeiling(1), 1);
  t.equal(niceCeiling(150.2), 200);
  t.equal(niceCeiling(480), 500);
  t.equal(niceCeiling(501), 1000);
  t.equal(niceCeiling(0.03), 0.05);

  const box: ChartBox = { width: 110, height: 120, left: 10, right: 0, top: 10, bottom: 10 };
  const now = 1_000_000;
  const { paths, last, top } = chartPaths(
    [
      {
        className: 'miner',
        label: 'miner',
        samples: [
          { atMs: now - 200, value: 50 }, // before the window
          { atMs: now - 100, value: 0 },
          { atMs: now, value: 100 },
        ],
      },
      { className: 'stratum', label: 'stratum', samples: [] },
    ],
    now,
    100,
    box,
  );
  t.equal(top, 100);
  t.equal(paths[0], 'M10.0,110.0 L110.0,10.0', 'from the bottom-left corner to the top-right one');
  t.equal(paths[1], '', 'a series with no samples draws nothing');
  t.same(last, [{ x: 110, y: 10 }, null], 'a dot on the newest sample of each series that has one');
});

test('self-test: every yespower vector passes on the wasm the benchmark runs', async (t) => {
  const check = checkVectors(yespower, YESPOWER_VECTORS);
  t.equal(check.total, YESPOWER_VECTORS.length);
  t.ok(check.total >= 10, `${check.total} vectors`);
  t.same(check.failures.map(describeFailure), []);
});

test('self-test: a hash that is off for one parameter set fails exactly its vectors, and says which', async (t) => {
  const broken: YespowerFn = (input, params) => {
    const out = yespower(input, params);
    if (params.N === 4096 && params.r === 16) out[0]! ^= 1;
    return out;
  };
  const check = checkVectors(broken, YESPOWER_VECTORS);
  const expected = YESPOWER_VECTORS.filter((v) => v.N === 4096 && v.r === 16).length;
  t.ok(expected > 0, 'the vectors include N = 4096, r = 16');
  t.equal(check.failures.length, expected);
  t.match(
    describeFailure(check.failures[0]!),
    /^vector \d+ \(N = 4096, r = 16, no personalization\): got [0-9a-f]{64}, expected [0-9a-f]{64}$/,
  );
});
