import fc from 'fast-check';
import { test } from 'tap';
import {
  bitsFromTarget,
  checkedTarget,
  nextBits,
  targetFromBits,
  workOf,
} from '../../src/consensus/difficulty.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';

test('target(bits) decodes compact targets as Bitcoin does', async (t) => {
  t.equal(targetFromBits(0x1d00ffff), 0xffffn << 208n, "Bitcoin's genesis bits");
  t.equal(targetFromBits(0x1f00ffff), 0xffffn << 224n, 'POW_LIMIT of mainnet and testnet');
  t.equal(targetFromBits(0x207fffff), 0x7fffffn << 232n, 'POW_LIMIT of regtest');
  t.equal(targetFromBits(0x01123456), 0x12n, 'exponent 1 shifts the mantissa right');
  t.equal(targetFromBits(0x00800000), 0n, 'the sign bit with a zero mantissa is zero, not invalid');
});

test('bad-bits: a negative mantissa, an overflow, zero or a target above POW_LIMIT', async (t) => {
  t.throws(() => targetFromBits(0x04923456), { code: 'bad-bits' }, 'negative');
  t.throws(() => targetFromBits(0xff123456), { code: 'bad-bits' }, '≥ 2^256');
  t.throws(() => checkedTarget(0x00000000, MAINNET), { code: 'bad-bits' }, 'zero');
  t.throws(() => checkedTarget(0x1f010000, MAINNET), { code: 'bad-bits' }, 'above POW_LIMIT');
  t.equal(checkedTarget(0x1f00ffff, MAINNET), 0xffffn << 224n);
  t.equal(checkedTarget(0x207fffff, REGTEST), 0x7fffffn << 232n);
});

test('compact(target) is normalised and decodes back to the target truncated to its significant bytes', async (t) => {
  t.equal(bitsFromTarget(0xffffn << 224n), 0x1f00ffff);
  t.equal(bitsFromTarget(0x80n), 0x02008000, 'a high mantissa bit moves into the next byte');
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 255n) - 1n }), (target) => {
        const back = targetFromBits(bitsFromTarget(target));
        let size = 0;
        for (let v = target; v > 0n; v >>= 8n) size++;
        // Three significant bytes, or two when the top one has its high bit set (it would read as a sign).
        const topByte = Number((target >> BigInt((size - 1) * 8)) & 0xffn);
        const kept = topByte >= 0x80 ? 2 : 3;
        const drop = BigInt(Math.max(0, size - kept) * 8);
        return back === (target >> drop) << drop;
      }),
      { numRuns: 2000 },
    );
  });
});

test('work is floor(2^256 / (target + 1))', async (t) => {
  t.equal(workOf((1n << 256n) - 1n), 1n);
  t.equal(workOf(0xffffn << 224n), (1n << 256n) / ((0xffffn << 224n) + 1n));
});

test('LWMA-1: steady 60 s blocks keep the target, fast blocks shrink it, regtest never moves', async (t) => {
  const bits = 0x1d0fffff;
  const steady = (h: number) => ({ time: 1_000_000 + h * 60, bits });
  const next = targetFromBits(nextBits(200, steady, MAINNET));
  const current = targetFromBits(bits);
  t.ok(next <= current && next * 1000n >= current * 999n, 'steady blocks: the target stays within 0.1%');
  const fast = (h: number) => ({ time: 1_000_000 + h * 30, bits });
  const faster = targetFromBits(nextBits(200, fast, MAINNET));
  t.ok(
    faster * 100n <= current * 51n && faster * 100n >= current * 49n,
    'blocks twice as fast halve the target',
  );
  t.equal(nextBits(50, steady, MAINNET), 0x1f00ffff, 'fewer than N blocks: POW_LIMIT');
  t.equal(nextBits(500, steady, REGTEST), 0x207fffff, 'regtest bits are fixed');
  const slow = (h: number) => ({ time: 1_000_000 + h * 6000, bits: 0x1f00ffff });
  t.equal(nextBits(200, slow, MAINNET), 0x1f00ffff, 'never above POW_LIMIT');
});
