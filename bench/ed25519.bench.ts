// ed25519 signing and verification, operations per second on one core, 100-byte
// messages, against node:crypto (KeyObjects), @noble/curves, libsodium-wrappers
// (WASM) and tweetnacl, side by side in interleaved rounds.
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import sodium from 'libsodium-wrappers';
import nacl from 'tweetnacl';
import { getPublicKey, sign, verify, verifyBatch } from '../src/crypto/ed25519.js';
import { instantiateWasm } from '../src/crypto/wasm.js';
import { measure, type Measurement, type MeasurementResult } from './harness.js';

const MESSAGE_LENGTH = 100;

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 73 + seed * 31 + 7) & 0xff);
}

export async function run(): Promise<MeasurementResult[]> {
  await sodium.ready;
  const seed = bytes(32, 1);
  const message = bytes(MESSAGE_LENGTH, 2);
  const publicKey = getPublicKey(seed);
  const signature = sign(message, seed);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const nodePrivate = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const nodePublic = createPublicKey(nodePrivate);
  const sodiumKeys = sodium.crypto_sign_seed_keypair(seed);
  const naclKeys = nacl.sign.keyPair.fromSeed(seed);

  const signing = measure({
    title: 'ed25519 sign, 100-byte messages',
    unit: 'signatures',
    candidates: [
      { name: 'altostream sign', ours: true, fn: () => sign(message, seed) },
      { name: 'node:crypto sign (KeyObject)', fn: () => nodeSign(null, message, nodePrivate) },
      { name: 'libsodium-wrappers', fn: () => sodium.crypto_sign_detached(message, sodiumKeys.privateKey) },
      { name: '@noble/curves', fn: () => noble.sign(message, seed) },
      { name: 'tweetnacl', fn: () => nacl.sign.detached(message, naclKeys.secretKey) },
    ],
  });
  const verifying = measure({
    title: 'ed25519 verify, 100-byte messages',
    unit: 'verifications',
    candidates: [
      { name: 'altostream verify (ZIP-215)', ours: true, fn: () => verify(signature, message, publicKey) },
      { name: 'node:crypto verify (KeyObject)', fn: () => nodeVerify(null, message, nodePublic, signature) },
      {
        name: 'libsodium-wrappers',
        fn: () => sodium.crypto_sign_verify_detached(signature, message, sodiumKeys.publicKey),
      },
      {
        name: '@noble/curves (zip215)',
        fn: () => noble.verify(signature, message, publicKey, { zip215: true }),
      },
      { name: 'tweetnacl', fn: () => nacl.sign.detached.verify(message, signature, naclKeys.publicKey) },
    ],
  });
  const batches = BATCH_SIZES.map((size) => {
    const items = Array.from({ length: size }, (_, i) => {
      const itemSeed = bytes(32, 100 + i);
      const itemMessage = bytes(MESSAGE_LENGTH, 200 + i);
      return {
        signature: sign(itemMessage, itemSeed),
        message: itemMessage,
        publicKey: getPublicKey(itemSeed),
        nodeKey: createPublicKey({
          key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), getPublicKey(itemSeed)]),
          format: 'der',
          type: 'spki',
        }),
      };
    });
    return measure({
      title: `ed25519 batch of ${size} vs one-by-one verification`,
      unit: 'signatures',
      candidates: [
        {
          name: `altostream verifyBatch(${size})`,
          ours: true,
          opsPerCall: size,
          fn: () => verifyBatch(items),
        },
        {
          name: 'node:crypto verify, one by one',
          opsPerCall: size,
          fn: () => items.every((it) => nodeVerify(null, it.message, it.nodeKey, it.signature)),
        },
        {
          name: 'libsodium-wrappers, one by one',
          opsPerCall: size,
          fn: () =>
            items.every((it) => sodium.crypto_sign_verify_detached(it.signature, it.message, it.publicKey)),
        },
      ],
    });
  });
  const msm = MSM_SIZES.map((size) => measure(msmMeasurement(size)));
  return [signing, verifying, ...batches, ...msm];
}

const MSM_SIZES = [16, 64, 256, 1024];

/** The multi-scalar multiplication alone (items staged once), Pippenger against Straus: picks the crossover. */
function msmMeasurement(size: number): Measurement {
  const core = instantiateWasm('simd');
  const { exports } = core;
  exports.ed25519BatchBegin(size);
  for (let i = 0; i < size; i++) {
    const seed = bytes(32, 300 + i);
    const message = bytes(MESSAGE_LENGTH, 400 + i);
    const memory = core.bytes();
    memory.set(sign(message, seed), core.input);
    memory.set(getPublicKey(seed), core.input + 64);
    memory.set(bytes(16, 500 + i), core.input + 96);
    memory.set(message, core.input + 112);
    exports.ed25519BatchPush(MESSAGE_LENGTH);
  }
  const run = (pippengerFrom: number) => () => {
    exports.ed25519SetPippengerFrom(pippengerFrom);
    return exports.ed25519BatchVerify(0, size);
  };
  return {
    title: `ed25519 batch multi-scalar multiplication, ${size} signatures`,
    unit: 'signatures',
    candidates: [
      { name: 'Pippenger buckets', ours: true, opsPerCall: size, fn: run(1) },
      { name: 'Straus, width-5 tables', opsPerCall: size, fn: run(1 << 30) },
    ],
  };
}

const BATCH_SIZES = [1, 16, 64, 256, 1024];
