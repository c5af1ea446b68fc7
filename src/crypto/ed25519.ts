// ed25519 (RFC 8032) over the WASM core. Verification is ZIP-215: S < L, A
// and R decoded without requiring canonical encodings, cofactored equation;
// it answers as @noble/curves does with `zip215: true`. The consensus rules
// that go further (PROTOCOL.md §2.3: canonical encodings, no small-order keys)
// are the separate checks isCanonicalEncoding and isSmallOrder.
import { InvalidArgumentError } from '../util/errors.js';
import { checkBytes } from './bytes.js';
import { wasm, type WasmCore } from './wasm.js';

export const SEED_LENGTH = 32;
export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

const SIGN_OVERHEAD = SEED_LENGTH;
const VERIFY_OVERHEAD = SIGNATURE_LENGTH + PUBLIC_KEY_LENGTH;

function checkSeed(secretKey: Uint8Array): void {
  checkBytes('secretKey', secretKey, SEED_LENGTH);
}

/** The 32-byte public key of a 32-byte secret seed (RFC 8032 §5.1.5). */
export function getPublicKey(secretKey: Uint8Array): Uint8Array {
  checkSeed(secretKey);
  const core = wasm();
  core.bytes().set(secretKey, core.input);
  core.exports.ed25519PublicKey();
  return core.bytes().slice(core.digest, core.digest + PUBLIC_KEY_LENGTH);
}

/** The 64-byte deterministic signature R ‖ S of `message` (RFC 8032 §5.1.6). */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  checkBytes('message', message);
  checkSeed(secretKey);
  const core = wasm();
  if (message.length > core.inputCapacity - SIGN_OVERHEAD) {
    throw new InvalidArgumentError(
      'oversize',
      `ed25519 can sign messages of at most ${core.inputCapacity - SIGN_OVERHEAD} bytes, got ${message.length}`,
    );
  }
  const memory = core.bytes();
  memory.set(secretKey, core.input);
  memory.set(message, core.input + SIGN_OVERHEAD);
  core.exports.ed25519Sign(message.length);
  return core.bytes().slice(core.digest, core.digest + SIGNATURE_LENGTH);
}

/** SHA-512(R ‖ A ‖ M) streamed through the WASM hash, for messages longer than INPUT. */
function challengeHash(
  core: WasmCore,
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): void {
  const { exports, input, inputCapacity } = core;
  exports.sha512Begin();
  core.bytes().set(signature.subarray(0, 32), input);
  core.bytes().set(publicKey, input + 32);
  exports.sha512Feed(64);
  for (let at = 0; at < message.length; at += inputCapacity) {
    const chunk = message.subarray(at, at + inputCapacity);
    core.bytes().set(chunk, input);
    exports.sha512Feed(chunk.length);
  }
  exports.sha512End();
}

/**
 * true iff `signature` is a valid ZIP-215 signature of `message` under
 * `publicKey`; false for any bad signature or key bytes, including wrong
 * lengths. Throws only when an argument is not a Uint8Array.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  checkBytes('signature', signature);
  checkBytes('message', message);
  checkBytes('publicKey', publicKey);
  if (signature.length !== SIGNATURE_LENGTH || publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  const core = wasm();
  if (message.length <= core.inputCapacity - VERIFY_OVERHEAD) {
    const memory = core.bytes();
    memory.set(signature, core.input);
    memory.set(publicKey, core.input + SIGNATURE_LENGTH);
    memory.set(message, core.input + VERIFY_OVERHEAD);
    return core.exports.ed25519Verify(message.length) === 1;
  }
  challengeHash(core, signature, message, publicKey);
  const memory = core.bytes();
  memory.copyWithin(core.input + VERIFY_OVERHEAD, core.digest, core.digest + 64);
  memory.set(signature, core.input);
  memory.set(publicKey, core.input + SIGNATURE_LENGTH);
  return core.exports.ed25519VerifyHashed() === 1;
}

export interface SignedMessage {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Items per multi-scalar multiplication: past this, a larger batch saves almost nothing per item. */
export const BATCH_CHUNK = 1024;
const Z_LENGTH = 16;
const BATCH_OVERHEAD = SIGNATURE_LENGTH + PUBLIC_KEY_LENGTH + Z_LENGTH;

/**
 * verify() of every item, answered by random-linear-combination batches
 * (128-bit coefficients from crypto.getRandomValues); a failing batch is
 * bisected, so k bad items among n cost O(k log n) batch checks. The answers
 * are exactly the per-item answers of verify(). An empty list gives [].
 */
export function verifyBatch(items: readonly SignedMessage[]): boolean[] {
  if (!(items instanceof Array)) {
    throw new InvalidArgumentError('not-array', 'verifyBatch takes an array of items');
  }
  items.forEach((item, i) => {
    checkBytes(`items[${i}].signature`, item.signature);
    checkBytes(`items[${i}].message`, item.message);
    checkBytes(`items[${i}].publicKey`, item.publicKey);
  });
  const results = new Array<boolean>(items.length).fill(false);
  const core = wasm();
  const batchable: number[] = [];
  items.forEach((item, i) => {
    if (item.signature.length !== SIGNATURE_LENGTH || item.publicKey.length !== PUBLIC_KEY_LENGTH) return;
    // One item, or one too long for the input buffer: a single verification is the cheaper check.
    if (items.length === 1 || item.message.length > core.inputCapacity - BATCH_OVERHEAD)
      results[i] = verify(item.signature, item.message, item.publicKey);
    else batchable.push(i);
  });
  for (let at = 0; at < batchable.length; at += BATCH_CHUNK) {
    verifyChunk(core, items, batchable.slice(at, at + BATCH_CHUNK), results);
  }
  return results;
}

function verifyChunk(
  core: WasmCore,
  items: readonly SignedMessage[],
  indexes: number[],
  results: boolean[],
): void {
  const { exports } = core;
  if (exports.ed25519BatchBegin(indexes.length) !== 1) {
    throw new Error(`cannot reserve WASM memory for a batch of ${indexes.length} signatures`);
  }
  const z = new Uint8Array(Z_LENGTH * indexes.length);
  crypto.getRandomValues(z);
  const staged: boolean[] = indexes.map((index, k) => {
    const item = items[index]!;
    const coefficient = z.subarray(k * Z_LENGTH, (k + 1) * Z_LENGTH);
    coefficient[0]! |= 1; // never zero
    const memory = core.bytes();
    memory.set(item.signature, core.input);
    memory.set(item.publicKey, core.input + SIGNATURE_LENGTH);
    memory.set(coefficient, core.input + SIGNATURE_LENGTH + PUBLIC_KEY_LENGTH);
    memory.set(item.message, core.input + BATCH_OVERHEAD);
    return exports.ed25519BatchPush(item.message.length) === 1;
  });
  // Bisect failing ranges down to the items that fail on their own.
  const settle = (from: number, to: number): void => {
    if (!staged.slice(from, to).some(Boolean)) return;
    if (exports.ed25519BatchVerify(from, to) === 1) {
      for (let k = from; k < to; k++) if (staged[k]) results[indexes[k]!] = true;
      return;
    }
    if (to - from === 1) return;
    const middle = (from + to) >>> 1;
    settle(from, middle);
    settle(middle, to);
  };
  settle(0, indexes.length);
}

const P = 2n ** 255n - 19n;

/**
 * true iff the 32 bytes are the canonical encoding of a point's y and sign
 * (PROTOCOL.md §2.3): y < p, and not x = 0 with the sign bit set. Whether the
 * bytes decode to a point at all is not checked here.
 */
export function isCanonicalEncoding(bytes: Uint8Array): boolean {
  checkBytes('bytes', bytes);
  if (bytes.length !== PUBLIC_KEY_LENGTH) return false;
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i]! & 0x7f : bytes[i]!);
  if (y >= P) return false;
  const sign = (bytes[31]! & 0x80) !== 0;
  // x = 0 exactly when y² = 1, that is y = 1 or y = p − 1.
  return !(sign && (y === 1n || y === P - 1n));
}

/**
 * true iff the bytes decode (under ZIP-215) to a point A with [8]A ≠ identity:
 * a point, and not of small order, in one decoding.
 */
export function isFullOrderPoint(bytes: Uint8Array): boolean {
  checkBytes('bytes', bytes);
  if (bytes.length !== PUBLIC_KEY_LENGTH) return false;
  const core = wasm();
  core.bytes().set(bytes, core.input);
  return core.exports.ed25519SmallOrder() === 0;
}

/**
 * true iff the bytes decode (under ZIP-215) to a point A with [8]A = identity.
 * Bytes that decode to no point are not small-order keys: false.
 */
export function isSmallOrder(publicKey: Uint8Array): boolean {
  checkBytes('publicKey', publicKey);
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  const core = wasm();
  core.bytes().set(publicKey, core.input);
  return core.exports.ed25519SmallOrder() === 1;
}
