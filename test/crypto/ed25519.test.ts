// ed25519 in src/crypto/ed25519.ts against RFC 8032's vectors, node:crypto's
// signatures and @noble/curves' ZIP-215 verification.
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import { test } from 'tap';
import {
  getPublicKey,
  isCanonicalEncoding,
  isSmallOrder,
  sign,
  verify,
  verifyBatch,
} from '../../src/crypto/ed25519.js';
import { bigintToLe, leToBigint, seededRandom } from '../helpers/testing-wasm.js';

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

const RFC8032 = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pub: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    seed: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    pub: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    msg: createHash('sha512').update('abc').digest('hex'),
    sig: 'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

test('RFC 8032 §7.1 vectors: public key, signature and verification', async (t) => {
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
      t.equal(isCanonicalEncoding(bytes), hex(bytes) === hex(point.toBytes()), `canonical? ${hex(bytes)}`);
    }
  }
  const pub = getPublicKey(new Uint8Array(32).fill(7));
  t.notOk(isSmallOrder(pub), 'an honest key is not of small order');
  t.ok(isCanonicalEncoding(pub), 'an honest key is canonical');
  t.notOk(isCanonicalEncoding(bigintToLe(P)), 'y = p is not canonical');
  t.notOk(isCanonicalEncoding(new Uint8Array(31)), 'wrong length is not canonical');
  t.notOk(isSmallOrder(new Uint8Array(33)), 'wrong length is not a small-order key');
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
  for (const size of [1, 2, 7, 64, 200]) {
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
