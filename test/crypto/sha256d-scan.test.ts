// The SHA-256d nonce scan against a one-by-one loop over node:crypto, on the
// SIMD build (through the wrapper) and on the scalar build (its exports).
import { createHash } from 'node:crypto';
import { test } from 'tap';
import {
  HEADER_LENGTH,
  NONCE_OFFSET,
  POW_HASH_LENGTH,
  TARGET_LENGTH,
  scanSha256dNonces,
} from '../../src/crypto/pow.js';
import { instantiateWasm, type WasmCore } from '../../src/crypto/wasm.js';
import { seeded } from '../helpers/random.js';

interface Hit {
  readonly nonce: number;
  readonly hash: Uint8Array;
}
type Scan = (header: Uint8Array, target: Uint8Array, start: number, count: number) => Hit | null;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function withNonce(header: Uint8Array, nonce: number): Uint8Array {
  const copy = header.slice();
  new DataView(copy.buffer).setUint32(NONCE_OFFSET, nonce, true);
  return copy;
}

function nodeSha256d(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

function le256(bytes: Uint8Array): bigint {
  return BigInt(`0x${hex(bytes.slice().reverse()) || '0'}`);
}

function fromLe256(value: bigint): Uint8Array {
  const hexString = value.toString(16).padStart(64, '0');
  return Uint8Array.from(Buffer.from(hexString, 'hex')).reverse();
}

/** LE256 hashes of nonces start … start + count − 1 (nonces taken mod 2^32). */
function hashesOf(header: Uint8Array, start: number, count: number): bigint[] {
  return Array.from({ length: count }, (_, i) => le256(nodeSha256d(withNonce(header, (start + i) >>> 0))));
}

/** The reference: the first offset whose hash ≤ target, one nonce at a time. */
function firstHit(header: Uint8Array, target: Uint8Array, start: number, count: number): number | null {
  const limit = le256(target);
  const index = hashesOf(header, start, count).findIndex((hash) => hash <= limit);
  return index === -1 ? null : index;
}

function coreScan(core: WasmCore): Scan {
  return (header, target, start, count) => {
    const memory = core.bytes();
    memory.set(header, core.header);
    memory.set(target, core.target);
    const offset = core.exports.scanSha256dNonces(start, count);
    if (offset === -1) return null;
    return { nonce: start + offset, hash: core.bytes().slice(core.powHash, core.powHash + POW_HASH_LENGTH) };
  };
}

const SCANS: readonly [string, Scan][] = [
  ['simd build (wrapper)', scanSha256dNonces],
  ['scalar build (exports)', coreScan(instantiateWasm('scalar'))],
];

interface Case {
  readonly header: Uint8Array;
  readonly target: Uint8Array;
  readonly start: number;
  readonly count: number;
  /** Offset of the expected first hit, or null. */
  readonly expect: number | null;
}

/** Random headers and easy random targets (about 1 nonce in 16 to 1 in 256 meets one). */
function randomCases(seed: number, n: number): Case[] {
  const rng = seeded(seed);
  return Array.from({ length: n }, () => {
    const header = rng.bytes(HEADER_LENGTH);
    const target = rng.bytes(TARGET_LENGTH);
    target[31] = rng.u32() & 0x0f;
    const count = 1 + (rng.u32() % 64);
    const start = rng.u32() % (0x100000000 - count);
    return { header, target, start, count, expect: firstHit(header, target, start, count) };
  });
}

/**
 * The target is the smallest hash in the range, exactly: the first hit is
 * that nonce (a hash equal to the target meets it), at every lane and in
 * partial last groups as the seed spreads them.
 */
function exactCases(seed: number, n: number): Case[] {
  const rng = seeded(seed);
  return Array.from({ length: n }, () => {
    const header = rng.bytes(HEADER_LENGTH);
    const count = 1 + (rng.u32() % 40);
    const start = rng.u32() % (0x100000000 - count);
    const hashes = hashesOf(header, start, count);
    const best = hashes.reduce((min, hash) => (hash < min ? hash : min));
    return { header, target: fromLe256(best), start, count, expect: hashes.indexOf(best) };
  });
}

/** The cases where `scan` disagrees with the reference, described; empty when all agree. */
function disagreements(scan: Scan, cases: readonly Case[]): string[] {
  const wrong: string[] = [];
  for (const { header, target, start, count, expect } of cases) {
    const hit = scan(header, target, start, count);
    const got = hit === null ? null : hit.nonce - start;
    const hashOk = hit === null || hex(hit.hash) === hex(nodeSha256d(withNonce(header, hit.nonce)));
    if (got !== expect || !hashOk) {
      wrong.push(
        `header ${hex(header)} target ${hex(target)} start ${start} count ${count}: ` +
          `offset ${got} (want ${expect}), hash ${hashOk ? 'ok' : 'wrong'}`,
      );
    }
  }
  return wrong;
}

test('the scan returns the first nonce in order whose SHA-256d ≤ target, as a one-by-one loop does', async (t) => {
  const cases = randomCases(0xa170, 300);
  const hits = cases.filter((c) => c.expect !== null).length;
  t.ok(hits > 60 && cases.length - hits > 60, `hits and misses both occur (${hits} hits)`);
  for (const [name, scan] of SCANS) t.same(disagreements(scan, cases), [], `${name}, ${cases.length} cases`);
});

test('a hash equal to the target meets it, in every lane and in a partial last group', async (t) => {
  const cases = exactCases(0xe9a1, 200);
  const lanes = [0, 0, 0, 0];
  let partial = 0;
  for (const { count, expect } of cases) {
    const at = expect!;
    lanes[at % 4]!++;
    if (count % 4 !== 0 && at >= count - (count % 4)) partial++;
  }
  t.ok(
    lanes.every((n) => n >= 20),
    `first hits in lanes 0..3: ${lanes.join(', ')}`,
  );
  t.ok(partial >= 20, `${partial} first hits in the last partial group`);
  for (const [name, scan] of SCANS) t.same(disagreements(scan, cases), [], `${name}, ${cases.length} cases`);
});

test('a candidate that passes the 32-bit prefilter but misses the target does not end the scan', async (t) => {
  // Target = (second smallest hash) − 1: when that nonce comes first, its top
  // 32 bits equal the target's, so only the full compare can turn it down.
  const rng = seeded(0xf11e);
  const cases: Case[] = [];
  while (cases.length < 60) {
    const header = rng.bytes(HEADER_LENGTH);
    const count = 2 + (rng.u32() % 30);
    const start = rng.u32() % (0x100000000 - count);
    const hashes = hashesOf(header, start, count);
    const sorted = [...hashes].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const [best, second] = [sorted[0]!, sorted[1]!];
    const decoy = hashes.indexOf(second);
    const winner = hashes.indexOf(best);
    if (decoy > winner || second - 1n === best) continue;
    const target = second - 1n;
    if (target >> 224n !== second >> 224n) continue; // a borrow into the top word: no decoy
    cases.push({ header, target: fromLe256(target), start, count, expect: winner });
  }
  for (const [name, scan] of SCANS) t.same(disagreements(scan, cases), [], `${name}, ${cases.length} cases`);
});

test('null when no nonce in the range meets the target', async (t) => {
  const rng = seeded(0x0);
  const cases: Case[] = [];
  for (let i = 0; i < 20; i++) {
    const header = rng.bytes(HEADER_LENGTH);
    const start = rng.u32() % 0x80000000;
    const count = 1 + (rng.u32() % 300);
    // One below the best hash in the range: nothing meets it.
    const best = hashesOf(header, start, count).reduce((min, hash) => (hash < min ? hash : min));
    cases.push({ header, target: fromLe256(best - 1n), start, count, expect: null });
    cases.push({ header, target: new Uint8Array(TARGET_LENGTH), start, count, expect: null });
  }
  for (const [name, scan] of SCANS) t.same(disagreements(scan, cases), [], `${name}, ${cases.length} cases`);
});

test('nonces past the end of the range never report a hit, also at the top of the u32 range', async (t) => {
  const rng = seeded(0x7a11);
  const cases: Case[] = [];
  while (cases.length < 40) {
    const header = rng.bytes(HEADER_LENGTH);
    const count = 1 + (rng.u32() % 7); // the last group is partial unless count is 4
    const start = cases.length % 2 === 0 ? 0x100000000 - count : rng.u32() % 0x80000000;
    // Target: the hash of one of the three nonces right after the range, when
    // it beats every nonce inside (the 4-lane kernel computes them anyway).
    const inside = hashesOf(header, start, count);
    const after = hashesOf(header, start + count, 3);
    const lure = after.reduce((min, hash) => (hash < min ? hash : min));
    if (inside.some((hash) => hash <= lure)) continue;
    cases.push({ header, target: fromLe256(lure), start, count, expect: null });
  }
  for (const [name, scan] of SCANS) t.same(disagreements(scan, cases), [], `${name}, ${cases.length} cases`);
});

test('the scan finds the nonce of the Bitcoin genesis block under its target (bits 0x1d00ffff)', async (t) => {
  const genesis = Uint8Array.from(
    Buffer.from(
      '0100000000000000000000000000000000000000000000000000000000000000' +
        '000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa' +
        '4b1e5e4a29ab5f49ffff001d1dac2b7c',
      'hex',
    ),
  );
  const nonce = 2083236893;
  const target = fromLe256(0xffffn << 208n); // 0x00ffff · 256^(0x1d − 3)
  for (const [name, scan] of SCANS) {
    const hit = scan(genesis, target, nonce - 1000, 2001);
    t.equal(hit?.nonce, nonce, name);
    t.equal(
      hex(hit?.hash.slice().reverse() ?? new Uint8Array()),
      '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
      name,
    );
  }
  t.equal(firstHit(genesis, target, nonce - 1000, 1000), null, 'no earlier nonce in the window meets it');
});

test('bad-length: the scan rejects a 79-byte header and a 31-byte target', async (t) => {
  const header = new Uint8Array(HEADER_LENGTH);
  const target = new Uint8Array(TARGET_LENGTH).fill(0xff);
  t.throws(() => scanSha256dNonces(new Uint8Array(79), target, 0, 1), {
    name: 'InvalidArgumentError',
    code: 'bad-length',
  });
  t.throws(() => scanSha256dNonces(new Uint8Array(81), target, 0, 1), { code: 'bad-length' });
  t.throws(() => scanSha256dNonces(header, new Uint8Array(31), 0, 1), {
    name: 'InvalidArgumentError',
    code: 'bad-length',
  });
  t.throws(() => scanSha256dNonces('header' as unknown as Uint8Array, target, 0, 1), { code: 'not-bytes' });
});

test('bad-nonce, bad-count, bad-nonce-range: the scan rejects a range outside the u32 nonces', async (t) => {
  const header = new Uint8Array(HEADER_LENGTH);
  const target = new Uint8Array(TARGET_LENGTH).fill(0xff);
  const reject = (start: number, count: number, code: string): void => {
    t.throws(() => scanSha256dNonces(header, target, start, count), { name: 'InvalidArgumentError', code });
  };
  reject(-1, 1, 'bad-nonce');
  reject(0.5, 1, 'bad-nonce');
  reject(0x100000000, 1, 'bad-nonce');
  reject(0, 0, 'bad-count');
  reject(0, -4, 'bad-count');
  reject(0, 2.5, 'bad-count');
  reject(0, 0x80000000, 'bad-count');
  reject(0xffffffff, 2, 'bad-nonce-range');
  t.equal(scanSha256dNonces(header, target, 0xffffffff, 1)?.nonce, 0xffffffff, 'the last nonce is in range');
});
