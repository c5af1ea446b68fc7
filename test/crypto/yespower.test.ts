import { test } from 'tap';
import { yespowerFile, type YespowerFileVector } from '../helpers/vectors.js';
import { ALTO_YESPOWER, scanNonces, yespower, yespowerInto } from '../../src/crypto/pow.js';
import { instantiateWasm, type WasmVariant } from '../../src/crypto/wasm.js';

const file = yespowerFile;
const vectors = [...file.reference, ...file.alto];

function hashWith(variant: WasmVariant, v: YespowerFileVector): string {
  const core = instantiateWasm(variant);
  const pers = Buffer.from(v.pers ?? '', 'hex');
  core.bytes().set(pers, core.input);
  if (core.exports.yespowerParams(v.N, v.r, pers.length) !== 0) throw new Error('params refused');
  const input = Buffer.from(v.input, 'hex');
  core.bytes().set(input, core.input);
  core.exports.yespowerInput(input.length);
  return Buffer.from(core.bytes().subarray(core.digest, core.digest + 32)).toString('hex');
}

for (const variant of ['simd', 'scalar'] as const) {
  test(`yespower 1.0 (${variant} build) reproduces every reference and alto vector`, async (t) => {
    for (const v of vectors) {
      t.equal(hashWith(variant, v), v.hash, `N=${v.N} r=${v.r} pers=${v.pers ?? 'none'} input=${v.input}`);
    }
  });
}

test('the chain parameters are yespower 1.0, N=2048, r=32, "Altostream"', async (t) => {
  t.equal(ALTO_YESPOWER.N, 2048);
  t.equal(ALTO_YESPOWER.r, 32);
  t.equal(Buffer.from(ALTO_YESPOWER.pers).toString(), 'Altostream');
  for (const v of file.alto)
    t.equal(Buffer.from(yespower(Buffer.from(v.input, 'hex'))).toString('hex'), v.hash);
});

test('switching parameters between calls gives each call its own answer', async (t) => {
  const [a, b] = file.reference;
  if (a === undefined || b === undefined) throw new Error('vectors missing');
  const input = Buffer.from(a.input, 'hex');
  for (let i = 0; i < 2; i++) {
    for (const v of [a, b]) {
      const out = new Uint8Array(32);
      yespowerInto(input, out, { N: v.N, r: v.r, pers: new Uint8Array() });
      t.equal(Buffer.from(out).toString('hex'), v.hash);
    }
  }
});

test('bad yespower parameters and buffers are refused with a code before WASM runs', async (t) => {
  const input = new Uint8Array(80);
  const pers = new Uint8Array();
  t.throws(
    () => yespower(input, { N: 3000, r: 32, pers }),
    { code: 'bad-yespower-n' },
    'N not a power of two',
  );
  t.throws(() => yespower(input, { N: 512, r: 32, pers }), { code: 'bad-yespower-n' }, 'N below 1024');
  t.throws(() => yespower(input, { N: 2048, r: 7, pers }), { code: 'bad-yespower-r' }, 'r below 8');
  t.throws(() => yespower(input, { N: 2048, r: 33, pers }), { code: 'bad-yespower-r' }, 'r above 32');
  t.throws(() => yespower(input, { N: 2048, r: 32, pers: new Uint8Array(1025) }), {
    code: 'bad-yespower-pers',
  });
  t.throws(() => yespower('header' as unknown as Uint8Array), { code: 'not-bytes' });
  t.throws(
    () => {
      yespowerInto(input, new Uint8Array(31));
    },
    { code: 'bad-length' },
  );
  const target = new Uint8Array(32);
  t.throws(() => scanNonces(new Uint8Array(79), target, 0, 1), { code: 'bad-length' }, 'header of 79 bytes');
  t.throws(() => scanNonces(new Uint8Array(81), target, 0, 1), { code: 'bad-length' }, 'header of 81 bytes');
  t.throws(() => scanNonces(input, new Uint8Array(31), 0, 1), { code: 'bad-length' }, 'target of 31 bytes');
  t.throws(() => scanNonces(input, target, -1, 1), { code: 'bad-nonce' });
  t.throws(() => scanNonces(input, target, 0, 0), { code: 'bad-count' });
  t.throws(() => scanNonces(input, target, 0xffffffff, 2), { code: 'bad-nonce-range' });
  t.equal(scanNonces(input, target, 0xffffffff, 1), null, 'the last nonce can be scanned');
});
