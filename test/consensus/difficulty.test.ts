import fc from 'fast-check';
import { test, type Test } from 'tap';
import {
  bitsFromTarget,
  checkedTarget,
  nextBits,
  targetFromBits,
  workOf,
} from '../../src/consensus/difficulty.js';
import { MAINNET, REGTEST } from '../../src/protocol/params.js';
import { lwmaFile } from '../helpers/vectors.js';

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

// PROTOCOL.md §3.6, transcribed line by line and sharing no code with src/consensus/difficulty.ts, so
// nextBits is checked against the text rather than against itself. Every quantity is a bigint and
// every division a floor, as the pseudo-code says.
const SPEC = { N: 90n, T: 60n, POW_LIMIT: 0xffffn * 2n ** 224n } as const;

/** target(bits): e = bits>>24, m = bits & 0x7fffff; a set sign bit with m ≠ 0 or a result ≥ 2^256 is invalid. */
function specTarget(bits: number): bigint | 'invalid' {
  const e = BigInt(bits) >> 24n;
  const m = BigInt(bits) & 0x7fffffn;
  if ((BigInt(bits) & 0x800000n) !== 0n && m !== 0n) return 'invalid';
  const target = e <= 3n ? m >> (8n * (3n - e)) : m << (8n * (e - 3n));
  return target >= 2n ** 256n ? 'invalid' : target;
}

/** compact(t): Bitcoin's arith_uint256::GetCompact for a non-negative t, normalised. */
function specCompact(t: bigint): number {
  const bitLength = t === 0n ? 0 : t.toString(2).length;
  let size = BigInt(Math.floor((bitLength + 7) / 8));
  let compact =
    size <= 3n ? (t << (8n * (3n - size))) & 0xffffffffn : (t >> (8n * (size - 3n))) & 0xffffffffn;
  if ((compact & 0x00800000n) !== 0n) {
    compact >>= 8n;
    size += 1n;
  }
  return Number(compact | (size << 24n));
}

interface SpecBlock {
  readonly time: number;
  readonly bits: number;
}

/** NextBits = LWMA-1 exactly as §3.6 writes it; `K(h)` is the key block at height h of the parent chain. */
function specNextBits(hL: number, K: (height: number) => SpecBlock): number {
  const { N, T, POW_LIMIT } = SPEC;
  const k = (N * (N + 1n) * T) / 2n;
  const h = BigInt(hL);
  if (h < N) return specCompact(POW_LIMIT);
  let prevTs = BigInt(K(Number(h - N)).time);
  let sumWST = 0n;
  let avg = 0n;
  for (let j = 1n; j <= N; j++) {
    const block = K(Number(h - N + j));
    const time = BigInt(block.time);
    const ts = time > prevTs + 1n ? time : prevTs + 1n;
    const st = 6n * T < ts - prevTs ? 6n * T : ts - prevTs;
    prevTs = ts;
    sumWST += st * j;
    const target = specTarget(block.bits);
    if (target === 'invalid') throw new Error(`invalid bits ${block.bits.toString(16)} in the window`);
    avg += target / N / k;
  }
  const next = avg * sumWST;
  return specCompact(next < POW_LIMIT ? next : POW_LIMIT);
}

const MAINNET_GENESIS = MAINNET.genesis.time;
const bitsHex = (bits: number): string => bits.toString(16).padStart(8, '0');

/** A chain K[0..] from a time step and bits per height, times accumulated from mainnet's genesis. */
function chainOf(step: (h: number) => number, bits: (h: number) => number, length: number): SpecBlock[] {
  const out: SpecBlock[] = [];
  let time = MAINNET_GENESIS;
  for (let h = 0; h < length; h++) {
    if (h > 0) time += step(h);
    out.push({ time, bits: h === 0 ? MAINNET.genesis.bits : bits(h) });
  }
  return out;
}

function agree(t: Test, name: string, hL: number, chain: readonly SpecBlock[]): void {
  const K = (h: number): SpecBlock => {
    const block = chain[h];
    if (block === undefined) throw new Error(`no key block at ${h}`);
    return block;
  };
  t.equal(bitsHex(nextBits(hL, K, MAINNET)), bitsHex(specNextBits(hL, K)), name);
}

test('LWMA-1: nextBits equals §3.6 transcribed, on chosen mainnet chains', async (t) => {
  const steady = chainOf(
    () => 60,
    () => 0x1d0fffff,
    400,
  );
  agree(t, 'steady 60 s spacing', 300, steady);
  agree(t, 'hL = N exactly: the first retarget reads K[0]..K[90]', 90, steady);
  agree(t, 'hL = N − 1: POW_LIMIT', 89, steady);
  agree(t, 'hL = 0: POW_LIMIT', 0, steady);
  t.equal(
    bitsHex(specNextBits(89, (h) => steady[h]!)),
    '1f00ffff',
    'the transcription gives POW_LIMIT below N',
  );

  const backwards = chainOf(
    (h) => (h % 5 === 0 ? -400 : h % 7 === 0 ? -3 : 90),
    () => 0x1d00ffff,
    400,
  );
  agree(t, 'times going backwards: each stamp is at least the previous + 1', 250, backwards);
  const longGaps = chainOf(
    (h) => (h % 9 === 0 ? 7200 : h % 4 === 0 ? 361 : 20),
    () => 0x1c7fffff,
    400,
  );
  agree(t, 'gaps over 6T count as 360 s', 200, longGaps);
  const changing = chainOf(
    (h) => 30 + ((h * 17) % 61),
    (h) => specCompact(SPEC.POW_LIMIT >> BigInt(h % 29)),
    400,
  );
  agree(t, 'bits changing every block', 333, changing);
  const nonNormalised = chainOf(
    () => 55,
    (h) => (h % 2 === 0 ? 0x1e00ffff : 0x1d00ffff),
    200,
  );
  agree(t, 'non-normalised bits decode by target(bits)', 150, nonNormalised);
  const slowAtLimit = chainOf(
    () => 300,
    () => 0x1f00ffff,
    200,
  );
  agree(t, 'slow blocks at POW_LIMIT stay clamped to it', 120, slowAtLimit);
  const tiny = chainOf(
    () => 60,
    () => 0x03123456,
    200,
  );
  agree(t, 'a target below N·k averages to 0 and compacts to 0x00000000', 100, tiny);
});

// Valid bits: exponent and mantissa with 0 < target(bits) ≤ POW_LIMIT, normalised or not.
const validBits = fc
  .record({ e: fc.integer({ min: 0, max: 0x1f }), m: fc.integer({ min: 1, max: 0x7fffff }) })
  .map(({ e, m }) => ((e << 24) | m) >>> 0)
  .filter((bits) => {
    const target = specTarget(bits);
    return target !== 'invalid' && target > 0n && target <= SPEC.POW_LIMIT;
  });
const normalisedBits = fc.bigInt({ min: 1n, max: SPEC.POW_LIMIT }).map(specCompact);
const times = fc.oneof(
  // Any u32 at all, in any order.
  fc.array(fc.nat({ max: 0xffffffff }), { minLength: 91, maxLength: 91 }),
  // Near-realistic: steps of −600 … +1,200 s from mainnet's genesis.
  fc
    .array(fc.integer({ min: -600, max: 1200 }), { minLength: 91, maxLength: 91 })
    .map((steps) => steps.map((_, i) => MAINNET_GENESIS + steps.slice(0, i + 1).reduce((a, b) => a + b, 0))),
);

test('LWMA-1: nextBits equals §3.6 transcribed on random mainnet windows (property)', async (t) => {
  const windowArb = fc.record({
    hL: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 90, max: 10_000_000 })),
    times,
    bits: fc.array(fc.oneof(validBits, normalisedBits), { minLength: 91, maxLength: 91 }),
  });
  t.doesNotThrow(() => {
    fc.assert(
      fc.property(windowArb, ({ hL, times: stamps, bits }) => {
        // The window K[hL − N .. hL]; heights below it are never read.
        const first = hL - 90;
        const K = (h: number): SpecBlock => {
          const i = h - first;
          if (i < 0 || i > 90) throw new Error(`read outside the window: ${h}`);
          return { time: stamps[i]!, bits: bits[i]! };
        };
        return nextBits(hL, K, MAINNET) === specNextBits(hL, K);
      }),
      { numRuns: 2000 },
    );
  });
});

test('LWMA-1: nextBits reproduces the stored vectors (test/vectors/lwma.json)', async (t) => {
  t.ok(lwmaFile.vectors.length >= 6);
  for (const vector of lwmaFile.vectors) {
    const first = vector.parentHeight - 90;
    const K = (h: number): SpecBlock => {
      const entry = vector.window[h - first];
      if (entry === undefined) throw new Error(`${vector.name}: no key block at ${h}`);
      return { time: entry.time, bits: parseInt(entry.bits, 16) };
    };
    t.equal(bitsHex(nextBits(vector.parentHeight, K, MAINNET)), vector.nextBits, vector.name);
    t.equal(bitsHex(specNextBits(vector.parentHeight, K)), vector.nextBits, `${vector.name} (transcription)`);
  }
});
