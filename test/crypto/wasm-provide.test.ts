// The wasm handed in before first use (crypto/wasm.ts, decision 184): as bytes
// or as a compiled WebAssembly.Module, the library then hashes and signs with
// it; once an instance is in use, a second one is refused.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'tap';
import { sha256 } from '../../src/crypto/hash.js';
import { initWasm, instantiateWasm, provideWasm } from '../../src/crypto/wasm.js';

const BYTES = readFileSync(new URL('../../build/altostream.wasm', import.meta.url));

test('provideWasm before first use: that instance serves; a second is refused', async (t) => {
  provideWasm(new Uint8Array(BYTES));
  const data = new TextEncoder().encode('abc');
  t.equal(Buffer.from(sha256(data)).toString('hex'), createHash('sha256').update(data).digest('hex'));
  t.throws(() => {
    provideWasm(BYTES);
  }, /already loaded in this thread/);
  await t.rejects(initWasm(BYTES), /already loaded in this thread/);
});

test('instantiateWasm takes a compiled module instead of reading the file', async (t) => {
  const core = instantiateWasm('simd', new WebAssembly.Module(BYTES));
  t.ok(core.inputCapacity > 0, 'a working instance with its static buffers');
});
