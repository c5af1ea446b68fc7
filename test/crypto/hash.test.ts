// SHA-256, SHA-256d and SHA-512 of the WASM core against the FIPS 180-4
// examples and against node:crypto on seeded random inputs.
import { createHash } from 'node:crypto';
import { test } from 'tap';
import {
  SHA256_LENGTH,
  SHA512_LENGTH,
  sha256,
  sha256d,
  sha256dInto,
  sha256Into,
  sha512,
  sha512Into,
} from '../../src/crypto/hash.js';
import { instantiateWasm, wasm } from '../../src/crypto/wasm.js';
import { seededRandom } from '../helpers/random.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const nodeHash = (algorithm: string, data: Uint8Array): string =>
  createHash(algorithm).update(data).digest('hex');
const nodeSha256d = (data: Uint8Array): string =>
  nodeHash('sha256', createHash('sha256').update(data).digest());

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

// FIPS 180-2 Appendix B/C examples (the same digests as NIST's "SHA examples").
const ABC = ascii('abc');
const EMPTY = new Uint8Array(0);
const MSG_448 = ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
const MSG_896 = ascii(
  'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
);

test('SHA-256 gives the FIPS 180 example digests', async (t) => {
  const vectors: [Uint8Array, string][] = [
    [ABC, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [EMPTY, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [MSG_448, '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ];
  for (const [message, digest] of vectors) t.equal(hex(sha256(message)), digest, digest);
});

test('SHA-512 gives the FIPS 180 example digests, including the two-block padding of 112 bytes', async (t) => {
  const vectors: [Uint8Array, string][] = [
    [
      ABC,
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
    [
      EMPTY,
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce' +
        '47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    ],
    [
      MSG_448,
      '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335' +
        '96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
    ],
    [
      MSG_896,
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018' +
        '501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    ],
  ];
  for (const [message, digest] of vectors) t.equal(hex(sha512(message)), digest, digest);
});

test('SHA-256d is SHA-256 twice: the example messages and the Bitcoin genesis header', async (t) => {
  for (const message of [ABC, EMPTY, MSG_448]) {
    t.equal(hex(sha256d(message)), hex(sha256(sha256(message))), hex(message));
  }
  const genesis = Buffer.from(
    '0100000000000000000000000000000000000000000000000000000000000000' +
      '000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa' +
      '4b1e5e4a29ab5f49ffff001d1dac2b7c',
    'hex',
  );
  // Block ids are shown byte-reversed.
  t.equal(
    hex(sha256d(genesis).reverse()),
    '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  );
});

test('every length 0..260 and 1,800 random lengths up to 1,100 bytes hash as node:crypto does', async (t) => {
  const bytes = seededRandom(0x5eed);
  const lengths = Array.from({ length: 261 }, (_, i) => i);
  const lengthStream = seededRandom(0x1e9);
  for (let i = 0; i < 1800; i++) {
    const [lo, hi] = lengthStream(2);
    lengths.push(((hi! << 8) | lo!) % 1101);
  }
  const out256 = new Uint8Array(SHA256_LENGTH);
  const out512 = new Uint8Array(SHA512_LENGTH);
  let mismatches = 0;
  for (const length of lengths) {
    const data = bytes(length);
    const want256 = nodeHash('sha256', data);
    const want256d = nodeSha256d(data);
    const want512 = nodeHash('sha512', data);
    sha256Into(data, out256);
    const into256 = hex(out256);
    sha256dInto(data, out256);
    const into256d = hex(out256);
    sha512Into(data, out512);
    const into512 = hex(out512);
    const ok =
      hex(sha256(data)) === want256 &&
      into256 === want256 &&
      hex(sha256d(data)) === want256d &&
      into256d === want256d &&
      hex(sha512(data)) === want512 &&
      into512 === want512;
    if (!ok) {
      mismatches++;
      t.fail(`digest mismatch for ${length} bytes: ${hex(data)}`);
    }
  }
  t.equal(lengths.length, 2061);
  t.equal(mismatches, 0);
});

test('inputs longer than the 64 KiB INPUT buffer are streamed in chunks and hash as node:crypto does', async (t) => {
  const bytes = seededRandom(0xb16);
  const capacity = wasm().inputCapacity;
  for (const length of [capacity - 1, capacity, capacity + 1, capacity + 111, 3 * capacity + 77, 200_003]) {
    const data = bytes(length);
    t.equal(hex(sha256(data)), nodeHash('sha256', data), `sha256, ${length} bytes`);
    t.equal(hex(sha256d(data)), nodeSha256d(data), `sha256d, ${length} bytes`);
    t.equal(hex(sha512(data)), nodeHash('sha512', data), `sha512, ${length} bytes`);
  }
});

test('SHA-512 streamed in chunks of any size gives the one-shot digest', async (t) => {
  // The wrapper feeds whole 64 KiB chunks, so partial blocks carried between
  // feeds are only reached through the exports directly.
  const core = instantiateWasm('simd');
  const bytes = seededRandom(0xc4);
  const data = bytes(3000);
  for (const chunk of [1, 7, 63, 111, 112, 127, 128, 129, 1000]) {
    core.exports.sha512Begin();
    for (let at = 0; at < data.length; at += chunk) {
      const part = data.subarray(at, at + chunk);
      core.bytes().set(part, core.input);
      core.exports.sha512Feed(part.length);
    }
    core.exports.sha512End();
    const digest = core.bytes().slice(core.digest, core.digest + SHA512_LENGTH);
    t.equal(hex(digest), nodeHash('sha512', data), `chunks of ${chunk}`);
  }
});

test('the scalar build gives the same SHA-512 and SHA-256d digests as node:crypto', async (t) => {
  const core = instantiateWasm('scalar');
  const bytes = seededRandom(0x5ca1);
  for (const length of [0, 55, 56, 64, 111, 112, 128, 1000]) {
    const data = bytes(length);
    core.bytes().set(data, core.input);
    core.exports.sha512Input(length);
    t.equal(
      hex(core.bytes().slice(core.digest, core.digest + 64)),
      nodeHash('sha512', data),
      `sha512 ${length}`,
    );
    core.exports.sha256dInput(length);
    t.equal(hex(core.bytes().slice(core.digest, core.digest + 32)), nodeSha256d(data), `sha256d ${length}`);
  }
});

test('not-bytes: hashing anything but a Uint8Array throws InvalidArgumentError', async (t) => {
  const notBytes = ['abc', [1, 2, 3], null, undefined, 42, new Uint16Array(4), new ArrayBuffer(4)];
  for (const value of notBytes) {
    const data = value as unknown as Uint8Array;
    const label = Object.prototype.toString.call(value);
    t.throws(() => sha256(data), { name: 'InvalidArgumentError', code: 'not-bytes' }, `sha256 ${label}`);
    t.throws(() => sha256d(data), { name: 'InvalidArgumentError', code: 'not-bytes' }, `sha256d ${label}`);
    t.throws(() => sha512(data), { name: 'InvalidArgumentError', code: 'not-bytes' }, `sha512 ${label}`);
    t.throws(
      () => {
        sha512Into(new Uint8Array(1), data);
      },
      { name: 'InvalidArgumentError', code: 'not-bytes' },
      `sha512Into out ${label}`,
    );
  }
});

test('bad-length: an out buffer of the wrong size throws InvalidArgumentError and is left untouched', async (t) => {
  for (const size of [0, 31, 33, 63, 65]) {
    const out = new Uint8Array(size).fill(7);
    if (size !== SHA256_LENGTH) {
      t.throws(
        () => {
          sha256Into(ABC, out);
        },
        { name: 'InvalidArgumentError', code: 'bad-length' },
      );
      t.throws(
        () => {
          sha256dInto(ABC, out);
        },
        { name: 'InvalidArgumentError', code: 'bad-length' },
      );
    }
    if (size !== SHA512_LENGTH) {
      t.throws(
        () => {
          sha512Into(ABC, out);
        },
        { name: 'InvalidArgumentError', code: 'bad-length' },
      );
    }
    t.ok(
      out.every((byte) => byte === 7),
      `out of ${size} bytes untouched`,
    );
  }
});

test('*Into writes into a subarray view at its offset only', async (t) => {
  const backing = new Uint8Array(200).fill(0xaa);
  sha512Into(ABC, backing.subarray(10, 10 + SHA512_LENGTH));
  t.equal(hex(backing.subarray(10, 74)), nodeHash('sha512', ABC));
  t.ok(backing.subarray(0, 10).every((byte) => byte === 0xaa));
  t.ok(backing.subarray(74).every((byte) => byte === 0xaa));
});
