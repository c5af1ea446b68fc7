// Hashing throughput against the usual JS hashers, all in this process:
//   (a) SHA-256d of an 80-byte block header, headers/s: our nonce scan
//       (4 nonces per SIMD pass, midstate reused) against one header at a time
//       through each peer's fastest general API, with the nonce bumped per
//       header, and against our own scan in the scalar build;
//   (b) SHA-512 of 64-, 128- and 256-byte messages, hashes/s (Ed25519 hashes
//       messages of this size: R ‖ A ‖ M and the 64-byte seed).
import { createHash } from 'node:crypto';
import { digest as asSha256 } from '@chainsafe/as-sha256';
import { sha256 as nobleSha256, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { createSHA256, createSHA512 } from 'hash-wasm';
import { sha512Into } from '../src/crypto/hash.js';
import { HEADER_LENGTH, NONCE_OFFSET, TARGET_LENGTH, scanSha256dNonces } from '../src/crypto/pow.js';
import { instantiateWasm } from '../src/crypto/wasm.js';
import { measure, type Candidate, type MeasurementResult } from './harness.js';

/** Nonces per scan call: ~10 ms of work, so the call overhead is noise. Divides 2^32. */
const SCAN_COUNT = 65536;

function patternBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 151 + seed * 7 + 13) & 0xff);
}

/** A header whose nonce advances by one per call of `next`. */
function headerStream(): { readonly header: Uint8Array; next(): Uint8Array } {
  const header = patternBytes(HEADER_LENGTH, 1);
  const view = new DataView(header.buffer);
  let nonce = 0;
  return {
    header,
    next() {
      view.setUint32(NONCE_OFFSET, nonce, true);
      nonce = (nonce + 1) >>> 0;
      return header;
    },
  };
}

async function sha256dCandidates(): Promise<Candidate[]> {
  // An all-zero target: no hash meets it, so every call scans all SCAN_COUNT nonces.
  const impossible = new Uint8Array(TARGET_LENGTH);
  const scanHeader = patternBytes(HEADER_LENGTH, 1);
  let start = 0;
  const node = headerStream();
  const as = headerStream();
  const hw = headerStream();
  const hwHasher = await createSHA256();
  const noble = headerStream();
  // The same scan in the build without SIMD, called through its exports: what SIMD buys.
  const scalar = instantiateWasm('scalar');
  scalar.bytes().set(scanHeader, scalar.header);
  scalar.bytes().set(impossible, scalar.target);
  let scalarStart = 0;
  return [
    {
      name: 'altostream scanSha256dNonces',
      ours: true,
      opsPerCall: SCAN_COUNT,
      fn: () => {
        const hit = scanSha256dNonces(scanHeader, impossible, start, SCAN_COUNT);
        start = (start + SCAN_COUNT) % 2 ** 32;
        return hit;
      },
    },
    {
      name: 'altostream scan, scalar build',
      opsPerCall: SCAN_COUNT,
      fn: () => {
        const offset = scalar.exports.scanSha256dNonces(scalarStart, SCAN_COUNT);
        scalarStart = (scalarStart + SCAN_COUNT) % 2 ** 32;
        return offset;
      },
    },
    {
      name: 'node:crypto createHash',
      fn: () => createHash('sha256').update(createHash('sha256').update(node.next()).digest()).digest(),
    },
    {
      // digest() is its fastest entry for these lengths: digest64 takes exactly 64 bytes,
      // and the second hash is over 32.
      name: '@chainsafe/as-sha256 digest',
      fn: () => asSha256(asSha256(as.next())),
    },
    {
      name: 'hash-wasm createSHA256 (reused)',
      fn: () => {
        hwHasher.init();
        hwHasher.update(hw.next());
        const first = hwHasher.digest('binary');
        hwHasher.init();
        hwHasher.update(first);
        return hwHasher.digest('binary');
      },
    },
    { name: '@noble/hashes sha256', fn: () => nobleSha256(nobleSha256(noble.next())) },
  ];
}

async function sha512Candidates(length: number): Promise<Candidate[]> {
  const message = patternBytes(length, length);
  const out = new Uint8Array(64);
  const hwHasher = await createSHA512();
  return [
    {
      name: 'altostream sha512Into',
      ours: true,
      fn: () => {
        sha512Into(message, out);
        return out;
      },
    },
    { name: 'node:crypto createHash', fn: () => createHash('sha512').update(message).digest() },
    {
      name: 'hash-wasm createSHA512 (reused)',
      fn: () => {
        hwHasher.init();
        hwHasher.update(message);
        return hwHasher.digest('binary');
      },
    },
    { name: '@noble/hashes sha512', fn: () => nobleSha512(message) },
  ];
}

export async function run(): Promise<MeasurementResult[]> {
  const results = [
    measure({
      title: 'SHA-256d of an 80-byte header',
      unit: 'headers',
      candidates: await sha256dCandidates(),
    }),
  ];
  for (const length of [64, 128, 256]) {
    results.push(
      measure({
        title: `SHA-512 of ${length} bytes`,
        unit: 'hashes',
        candidates: await sha512Candidates(length),
      }),
    );
  }
  return results;
}
