// GF(2^255 − 19) in assembly/ed25519/field.ts against BigInt on edge and random inputs.
import { test } from 'tap';
import { bigintToLe, leToBigint, loadTestingWasm } from '../helpers/testing-wasm.js';
import { seededRandom } from '../helpers/random.js';

const P = 2n ** 255n - 19n;
const mod = (x: bigint): bigint => ((x % P) + P) % P;
const pow = (base: bigint, exp: bigint): bigint => {
  let result = 1n;
  let b = mod(base);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
};

const { exports, scratch } = loadTestingWasm();
type Op = (...args: number[]) => void;
const call = (name: string, ...args: number[]): void => {
  (exports[name] as Op)(...args);
};

// Scratch layout: 32-byte inputs at 0 and 32, field elements at 64 + 40·k, output bytes at 1024.
const A_BYTES = 0;
const B_BYTES = 32;
const fe = (k: number): number => 64 + 40 * k;
const OUT = 1024;

function load(slot: number, value: bigint, bytesAt = A_BYTES): void {
  scratch().set(bigintToLe(value), bytesAt);
  call('testFeFromBytes', fe(slot), bytesAt);
}
function read(slot: number): bigint {
  call('testFeToBytes', OUT, fe(slot));
  return leToBigint(scratch().slice(OUT, OUT + 32));
}

const EDGES = [0n, 1n, 2n, 18n, 19n, 20n, P - 2n, P - 1n, P, P + 1n, P + 18n, 2n ** 255n - 1n, 2n ** 254n, 2n ** 26n - 1n, 2n ** 26n];

function randomValues(count: number, seed: number): bigint[] {
  const bytes = seededRandom(seed);
  return Array.from({ length: count }, () => leToBigint(bytes(32)) & (2n ** 255n - 1n));
}

test('feFromBytes ignores bit 255 and feToBytes gives the canonical value mod p', async (t) => {
  for (const v of [...EDGES, ...randomValues(500, 1)]) {
    load(0, v);
    t.equal(read(0), mod(v), `v = ${v}`);
  }
  scratch().set(bigintToLe(2n ** 256n - 1n), A_BYTES);
  call('testFeFromBytes', fe(0), A_BYTES);
  t.equal(read(0), mod(2n ** 255n - 1n), 'the top bit of the last byte is not part of the value');
});

test('add, sub, neg, mul and sq agree with BigInt mod p on edge and random operands', async (t) => {
  const values = [...EDGES, ...randomValues(300, 2)];
  let mismatches = 0;
  for (let i = 0; i < values.length; i++) {
    const a = values[i]!;
    const b = values[(i * 7 + 3) % values.length]!;
    load(0, a);
    load(1, b, B_BYTES);
    const check = (name: string, got: bigint, want: bigint): void => {
      if (got !== want) {
        mismatches++;
        t.fail(`${name}(${a}, ${b}) = ${got}, want ${want}`);
      }
    };
    call('testFeAdd', fe(2), fe(0), fe(1));
    check('add', read(2), mod(a + b));
    call('testFeSub', fe(2), fe(0), fe(1));
    check('sub', read(2), mod(a - b));
    call('testFeNeg', fe(2), fe(0));
    check('neg', read(2), mod(-a));
    call('testFeMul', fe(2), fe(0), fe(1));
    check('mul', read(2), mod(a * b));
    call('testFeSq', fe(2), fe(0));
    check('sq', read(2), mod(a * a));
  }
  t.equal(mismatches, 0);
});

test('mul and sq accept unreduced sums and differences as inputs', async (t) => {
  const values = randomValues(400, 3);
  let mismatches = 0;
  for (let i = 0; i + 3 < values.length; i += 4) {
    const [a, b, c, d] = values.slice(i, i + 4) as [bigint, bigint, bigint, bigint];
    load(0, a);
    load(1, b, B_BYTES);
    load(2, c);
    load(3, d, B_BYTES);
    call('testFeAdd', fe(4), fe(0), fe(1)); // a + b, limbs up to 27 bits
    call('testFeSub', fe(5), fe(2), fe(3)); // c − d, negative limbs
    call('testFeMul', fe(6), fe(4), fe(5));
    call('testFeSq', fe(7), fe(5));
    if (read(6) !== mod((a + b) * (c - d)) || read(7) !== mod((c - d) * (c - d))) mismatches++;
  }
  t.equal(mismatches, 0);
});

test('a long random walk of operations stays equal to BigInt', async (t) => {
  const values = randomValues(64, 4);
  let want = values[0]!;
  load(0, want);
  for (let step = 0; step < 2000; step++) {
    const v = values[step % values.length]!;
    load(1, v, B_BYTES);
    switch (step % 5) {
      case 0:
        call('testFeMul', fe(0), fe(0), fe(1));
        want = mod(want * v);
        break;
      case 1:
        call('testFeAdd', fe(0), fe(0), fe(1));
        call('testFeSq', fe(0), fe(0));
        want = mod((want + v) * (want + v));
        break;
      case 2:
        call('testFeSub', fe(0), fe(0), fe(1));
        call('testFeMul', fe(0), fe(0), fe(0));
        want = mod((want - v) * (want - v));
        break;
      case 3:
        call('testFeNeg', fe(0), fe(0));
        call('testFeSq', fe(0), fe(0));
        want = mod(want * want);
        break;
      default:
        call('testFeSub', fe(0), fe(1), fe(0));
        call('testFeMul', fe(0), fe(0), fe(1));
        want = mod((v - want) * v);
    }
  }
  t.equal(read(0), want);
});

test('invert and the square-root power agree with BigInt exponentiation', async (t) => {
  for (const v of [1n, 2n, P - 1n, ...randomValues(40, 5)]) {
    load(0, v);
    call('testFeInvert', fe(1), fe(0));
    t.equal(read(1), pow(v, P - 2n), `1/${v}`);
    call('testFePow22523', fe(1), fe(0));
    t.equal(read(1), pow(v, (P - 5n) / 8n), `${v}^((p−5)/8)`);
  }
  load(0, 0n);
  call('testFeInvert', fe(1), fe(0));
  t.equal(read(1), 0n, '1/0 maps to 0');
});
