// ed25519 in src/crypto/ed25519.ts against RFC 8032's vectors, node:crypto's
// signatures and @noble/curves' ZIP-215 verification.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import { test } from 'tap';
import {
  getPublicKey,
  isCanonicalEncoding,
  isFullOrderPoint,
  isSmallOrder,
  sign,
  verify,
  verifyBatch,
} from '../../src/crypto/ed25519.js';
import { bigintToLe, leToBigint } from '../helpers/testing-wasm.js';
import { seededRandom } from '../helpers/random.js';

const Point = noble.Point;
type NoblePoint = InstanceType<typeof Point>;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const nobleVerify = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean => {
  try {
    return noble.verify(sig, msg, pub, { zip215: true });
  } catch {
    return false;
  }
};

function nodeKey(seed: Uint8Array): ReturnType<typeof createPrivateKey> {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

const RFC8032 = (
  JSON.parse(readFileSync(new URL('../vectors/rfc8032-ed25519.json', import.meta.url), 'utf8')) as {
    vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[];
  }
).vectors.map((v) => ({
  name: v.name,
  seed: v.secretKey,
  pub: v.publicKey,
  msg: v.message,
  sig: v.signature,
}));

test('RFC 8032 §7.1 vectors (TEST 1, 2, 3, 1024, SHA(abc)): public key, signature and verification', async (t) => {
  t.equal(RFC8032.length, 5);
  for (const v of RFC8032) {
    t.equal(hex(getPublicKey(unhex(v.seed))), v.pub, `${v.name} public key`);
    t.equal(hex(sign(unhex(v.msg), unhex(v.seed))), v.sig, `${v.name} signature`);
    t.ok(verify(unhex(v.sig), unhex(v.msg), unhex(v.pub)), `${v.name} verifies`);
  }
});

test('5,000 random keys and messages: signatures equal node:crypto byte for byte and verify as noble does', async (t) => {
  const random = seededRandom(0xed25519);
  let mismatches = 0;
  for (let i = 0; i < 5000; i++) {
    const seed = random(32);
    const message = random(i % 257);
    const signature = sign(message, seed);
    const publicKey = getPublicKey(seed);
    const node = new Uint8Array(nodeSign(null, message, nodeKey(seed)));
    const ours = verify(signature, message, publicKey);
    if (
      hex(signature) !== hex(node) ||
      !ours ||
      (i % 10 === 0 && !nobleVerify(signature, message, publicKey))
    ) {
      mismatches++;
      t.fail(`seed ${hex(seed)} message ${hex(message)}`);
    }
  }
  t.equal(mismatches, 0);
});

test('5,000 mutated signatures (a bit flipped in message, R, S or key): verify agrees with noble zip215', async (t) => {
  const random = seededRandom(0xbadb17);
  let disagreements = 0;
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const seed = random(32);
    const message = random(1 + (i % 100));
    const signature = sign(message, seed);
    const publicKey = getPublicKey(seed);
    const [where, bitByte] = random(2) as unknown as [number, number];
    const target = [message, signature.subarray(0, 32), signature.subarray(32), publicKey][where % 4]!;
    const bitIndex = bitByte % (target.length * 8);
    target[bitIndex >> 3]! ^= 1 << (bitIndex & 7);
    const ours = verify(signature, message, publicKey);
    if (ours) accepted++;
    if (ours !== nobleVerify(signature, message, publicKey)) {
      disagreements++;
      t.fail(`seed ${hex(seed)} message ${hex(message)} sig ${hex(signature)} key ${hex(publicKey)}`);
    }
  }
  t.equal(disagreements, 0);
  t.ok(
    accepted < 50,
    `almost every mutation is rejected (${accepted} accepted: flips of the sign bit of a key or R)`,
  );
});

// The eight points of order dividing 8, from [L]·P for a point P with a component of order 8.
function torsionPoints(): NoblePoint[] {
  const random = seededRandom(8);
  for (;;) {
    let p: NoblePoint;
    try {
      p = Point.fromBytes(random(32), true);
    } catch {
      continue;
    }
    const q = p.multiplyUnsafe(L - 1n).add(p); // [L]P: the torsion part
    if (q.double().double().is0()) continue; // order < 8
    const out: NoblePoint[] = [];
    let acc = Point.ZERO;
    for (let k = 0; k < 8; k++) {
      out.push(acc);
      acc = acc.add(q);
    }
    return out;
  }
}

/** Every encoding of a point: canonical, with y + p when that still fits 255 bits, and with x = 0's sign bit set. */
function encodings(point: NoblePoint): Uint8Array[] {
  const canonical = point.toBytes();
  const out = [canonical];
  const y = leToBigint(canonical) & (2n ** 255n - 1n);
  const sign = canonical[31]! & 0x80;
  if (y + P < 2n ** 255n) {
    const wide = bigintToLe(y + P);
    wide[31]! |= sign;
    out.push(wide);
  }
  if (point.x === 0n) {
    const flipped = canonical.slice();
    flipped[31]! |= 0x80;
    out.push(flipped);
  }
  return out;
}

test('crafted edge cases: small-order A and R, the identity, non-canonical encodings, S ≥ L, mixed-order keys', async (t) => {
  const torsion = torsionPoints();
  const small = torsion.flatMap(encodings);
  t.ok(small.length >= 10, `${small.length} encodings of small-order points`);
  const random = seededRandom(0x5a11);
  const cases: { sig: Uint8Array; msg: Uint8Array; pub: Uint8Array; note: string }[] = [];
  const zero = new Uint8Array(32);
  for (const a of small) {
    for (const r of small) {
      const msg = random(8);
      cases.push({ sig: new Uint8Array([...r, ...zero]), msg, pub: a, note: `A ${hex(a)} R ${hex(r)} S 0` });
    }
  }
  // Honest signature, then S + L, S = L, S = 2^256 − 1: S ≥ L is always invalid.
  const seed = random(32);
  const msg = random(40);
  const sig = sign(msg, seed);
  const pub = getPublicKey(seed);
  const s = leToBigint(sig.subarray(32));
  for (const bad of [s + L, L, L + 1n, 2n ** 256n - 1n]) {
    cases.push({
      sig: new Uint8Array([...sig.subarray(0, 32), ...bigintToLe(bad)]),
      msg,
      pub,
      note: `S = ${bad}`,
    });
  }
  // Mixed-order key A' = A + T, signed over A' (cofactored equation holds, the cofactorless one not).
  const a = leToBigint(createHash('sha512').update(seed).digest().subarray(0, 32));
  const clamped = (a & ((1n << 254n) - 8n)) | (1n << 254n);
  for (const t8 of torsion.slice(1)) {
    const mixed = Point.BASE.multiply(clamped % L)
      .add(t8)
      .toBytes();
    const r = 12345n + BigInt(cases.length);
    const R = Point.BASE.multiply(r).toBytes();
    const k = leToBigint(createHash('sha512').update(R).update(mixed).update(msg).digest()) % L;
    const S = (r + k * clamped) % L;
    cases.push({ sig: new Uint8Array([...R, ...bigintToLe(S)]), msg, pub: mixed, note: 'mixed-order key' });
  }
  // Bytes that decode to no point, and y ≥ p with the high bit games.
  for (let i = 0; i < 40; i++) {
    const junk = random(32);
    cases.push({ sig: new Uint8Array([...junk, ...sig.subarray(32)]), msg, pub, note: `R ${hex(junk)}` });
    cases.push({ sig, msg, pub: junk, note: `A ${hex(junk)}` });
  }
  for (const y of [P, P + 1n, P + 2n, 2n ** 255n - 1n]) {
    cases.push({ sig, msg, pub: bigintToLe(y), note: `A with y = ${y}` });
  }
  let disagreements = 0;
  let accepted = 0;
  for (const c of cases) {
    const ours = verify(c.sig, c.msg, c.pub);
    if (ours) accepted++;
    if (ours !== nobleVerify(c.sig, c.msg, c.pub)) {
      disagreements++;
      t.fail(`disagree on ${c.note}: ours ${ours}`);
    }
  }
  t.equal(disagreements, 0, `${cases.length} crafted cases`);
  t.ok(accepted > 64, `the cofactored equation accepts small-order and mixed-order cases (${accepted})`);
});

test('isSmallOrder and isCanonicalEncoding implement the extra consensus checks of PROTOCOL.md §2.3', async (t) => {
  for (const point of torsionPoints()) {
    for (const bytes of encodings(point)) {
      t.ok(isSmallOrder(bytes), `small order: ${hex(bytes)}`);
      t.notOk(isFullOrderPoint(bytes), `not of full order: ${hex(bytes)}`);
      t.equal(isCanonicalEncoding(bytes), hex(bytes) === hex(point.toBytes()), `canonical? ${hex(bytes)}`);
    }
  }
  const pub = getPublicKey(new Uint8Array(32).fill(7));
  t.notOk(isSmallOrder(pub), 'an honest key is not of small order');
  t.ok(isCanonicalEncoding(pub), 'an honest key is canonical');
  t.notOk(isCanonicalEncoding(bigintToLe(P)), 'y = p is not canonical');
  t.notOk(isCanonicalEncoding(new Uint8Array(31)), 'wrong length is not canonical');
  t.notOk(isSmallOrder(new Uint8Array(33)), 'wrong length is not a small-order key');
  t.ok(isFullOrderPoint(pub), 'an honest key is a point of full order');
  t.notOk(isFullOrderPoint(new Uint8Array(33)), 'wrong length is no point');
  // Random bytes: a point of full order exactly when @noble/curves decodes them (ZIP-215) to one.
  const random = seededRandom(215);
  let decoded = 0;
  let mismatches = 0;
  for (let i = 0; i < 500; i++) {
    const bytes = random(32);
    let full: boolean;
    try {
      full = !Point.fromBytes(bytes, true).isSmallOrder();
      decoded++;
    } catch {
      full = false; // no point at all
    }
    if (isFullOrderPoint(bytes) !== full) mismatches++;
  }
  t.equal(
    mismatches,
    0,
    `isFullOrderPoint agrees with @noble/curves on 500 random encodings (${decoded} decode)`,
  );
});

test('bad input: wrong lengths verify false, non-Uint8Array throws, bad secret keys throw with a code', async (t) => {
  const seed = new Uint8Array(32).fill(1);
  const msg = new Uint8Array([1, 2, 3]);
  const sig = sign(msg, seed);
  const pub = getPublicKey(seed);
  t.notOk(verify(sig.subarray(0, 63), msg, pub), '63-byte signature');
  t.notOk(verify(new Uint8Array([...sig, 0]), msg, pub), '65-byte signature');
  t.notOk(verify(sig, msg, pub.subarray(0, 31)), '31-byte key');
  t.throws(() => verify('sig' as unknown as Uint8Array, msg, pub), { code: 'not-bytes' });
  t.throws(() => verify(sig, [1, 2, 3] as unknown as Uint8Array, pub), { code: 'not-bytes' });
  t.throws(() => sign(msg, new Uint8Array(31)), { code: 'bad-length' });
  t.throws(() => getPublicKey(new Uint8Array(64)), { code: 'bad-length' });
  t.throws(() => sign(new Uint8Array(300_000), seed), { code: 'oversize' });
});

test('a message longer than the WASM input buffer verifies through the streamed challenge hash', async (t) => {
  const seed = new Uint8Array(32).fill(9);
  const message = seededRandom(3)(600_000);
  const signature = new Uint8Array(nodeSign(null, message, nodeKey(seed)));
  const pub = getPublicKey(seed);
  t.ok(verify(signature, message, pub));
  message[599_999]! ^= 1;
  t.notOk(verify(signature, message, pub));
});

test('verifyBatch returns exactly the per-item answers of verify on mixed batches', async (t) => {
  const random = seededRandom(0xba7c4);
  const make = (i: number): { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array } => {
    const seed = random(32);
    const message = random(i % 120);
    return { signature: sign(message, seed), message, publicKey: getPublicKey(seed) };
  };
  const torsion = torsionPoints();
  for (const size of [1, 2, 7, 64, 200, 600]) {
    // 600 items go through Pippenger, the smaller ranges of its bisection through Straus.
    const items = Array.from({ length: size }, (_, i) => make(i));
    // Spoil about one in six: a flipped bit, S ≥ L, a wrong key, junk R, or a small-order key with S = 0.
    items.forEach((item, i) => {
      if (random(1)[0]! % 6 !== 0) return;
      switch (i % 5) {
        case 0:
          item.message = new Uint8Array([...item.message, 1]);
          break;
        case 1:
          item.signature = new Uint8Array([...item.signature.subarray(0, 32), ...bigintToLe(L + 5n)]);
          break;
        case 2:
          item.publicKey = getPublicKey(random(32));
          break;
        case 3:
          item.signature = new Uint8Array([...random(32), ...item.signature.subarray(32)]);
          break;
        default:
          item.publicKey = torsion[3]!.toBytes();
          item.signature = new Uint8Array([...torsion[5]!.toBytes(), ...new Uint8Array(32)]);
      }
    });
    const single = items.map((item) => verify(item.signature, item.message, item.publicKey));
    t.same(verifyBatch(items), single, `batch of ${size}: ${single.filter((x) => !x).length} invalid`);
  }
  t.same(verifyBatch([]), [], 'an empty batch has no answers');
  t.same(
    verifyBatch([
      { signature: new Uint8Array(10), message: new Uint8Array(), publicKey: new Uint8Array(32) },
    ]),
    [false],
    'a signature of the wrong length is false',
  );
  t.throws(
    () =>
      verifyBatch([{ signature: 'x', message: new Uint8Array(), publicKey: new Uint8Array(32) } as never]),
    {
      code: 'not-bytes',
    },
  );
});
