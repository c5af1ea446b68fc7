// Scalars mod L in assembly/ed25519/scalar.ts against BigInt.
import { test } from 'tap';
import { bigintToLe, leToBigint, loadTestingWasm } from '../helpers/testing-wasm.js';
import { seededRandom } from '../helpers/random.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const { exports, scratch } = loadTestingWasm();
type Op = (...args: number[]) => number;
const call = (name: string, ...args: number[]): number => (exports[name] as Op)(...args);

const WIDE = 0;
const A = 64;
const B = 96;
const C = 128;
const OUT = 160;

const random = seededRandom(7);
const randomBig = (bytes: number): bigint => leToBigint(random(bytes));

test('scReduce gives x mod L for 512-bit x', async (t) => {
  const edges = [0n, 1n, L - 1n, L, L + 1n, 2n * L, 2n ** 256n - 1n, 2n ** 512n - 1n, L * L, (2n ** 260n / L) * L];
  const values = [...edges, ...Array.from({ length: 1000 }, () => randomBig(64))];
  let mismatches = 0;
  for (const x of values) {
    scratch().set(bigintToLe(x, 64), WIDE);
    call('testScReduce', OUT, WIDE);
    const got = leToBigint(scratch().slice(OUT, OUT + 32));
    if (got !== x % L) {
      mismatches++;
      t.fail(`${x} mod L = ${got}, want ${x % L}`);
    }
  }
  t.equal(mismatches, 0);
});

test('scMulAdd gives (a·b + c) mod L for any 256-bit a, b, c', async (t) => {
  const pick = (i: number): bigint =>
    [0n, 1n, L - 1n, L, 2n ** 256n - 1n][i % 5] ?? 0n;
  let mismatches = 0;
  for (let i = 0; i < 1000; i++) {
    const a = i < 125 ? pick(i) : randomBig(32);
    const b = i < 125 ? pick(i >> 1) : randomBig(32);
    const c = i < 125 ? pick(i >> 2) : randomBig(32);
    scratch().set(bigintToLe(a), A);
    scratch().set(bigintToLe(b), B);
    scratch().set(bigintToLe(c), C);
    call('testScMulAdd', OUT, A, B, C);
    const got = leToBigint(scratch().slice(OUT, OUT + 32));
    if (got !== (a * b + c) % L) {
      mismatches++;
      t.fail(`(${a}·${b} + ${c}) mod L = ${got}`);
    }
  }
  t.equal(mismatches, 0);
});

test('scIsCanonical accepts exactly s < L', async (t) => {
  for (const [s, want] of [
    [0n, 1],
    [L - 1n, 1],
    [L, 0],
    [L + 1n, 0],
    [2n ** 253n, 0],
    [2n ** 256n - 1n, 0],
    [2n ** 252n, 1],
  ] as const) {
    scratch().set(bigintToLe(s), A);
    t.equal(call('testScIsCanonical', A), want, `s = ${s}`);
  }
});
