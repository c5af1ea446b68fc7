import fc from 'fast-check';
import { test } from 'tap';
import { MAX_AMOUNT, formatAlto, parseAlto } from '../../src/protocol/amount.js';

test('parseAlto reads plain decimals with up to 18 fraction digits', async (t) => {
  t.equal(parseAlto('1.5'), 1_500_000_000_000_000_000n);
  t.equal(parseAlto('0'), 0n);
  t.equal(parseAlto('0.000000000000000001'), 1n);
  t.equal(parseAlto('25000000'), 25_000_000n * 10n ** 18n);
  t.equal(parseAlto('12.500000000000000000'), 12_500_000_000_000_000_000n);
});

test('bad-amount: negatives, exponents, too many decimals, junk and overflow are refused', async (t) => {
  for (const text of [
    '-1',
    '+1',
    '1e18',
    '1.0000000000000000001',
    '',
    '.5',
    '5.',
    '01',
    ' 1',
    '1,000',
    '0x10',
    'NaN',
    '340282366920938463463.374607431768211456',
  ]) {
    t.throws(() => parseAlto(text), { code: 'bad-amount' }, JSON.stringify(text));
  }
});

test('formatAlto gives the shortest exact decimal and round-trips through parseAlto', async (t) => {
  t.equal(formatAlto(1_500_000_000_000_000_000n), '1.5');
  t.equal(formatAlto(1n), '0.000000000000000001');
  t.equal(formatAlto(0n), '0');
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_AMOUNT }), (units) => parseAlto(formatAlto(units)) === units),
      { numRuns: 2000 },
    );
  });
});
