// yespower 1.0 and the nonce search over an 80-byte header (PROTOCOL.md §3.2),
// plus the same search under SHA-256d; length-checked before anything enters WASM.
import { InvalidArgumentError } from '../util/errors.js';
import { checkBytes } from './bytes.js';
import { wasm, type WasmCore } from './wasm.js';

export const HEADER_LENGTH = 80;
export const TARGET_LENGTH = 32;
export const POW_HASH_LENGTH = 32;
export const NONCE_OFFSET = 76;
const NOT_FOUND = -1;
const MAX_SCAN_COUNT = 0x7fffffff;

export interface YespowerParams {
  /** Memory cost: a power of two in [1024, 524288]. */
  readonly N: number;
  /** Block size factor in [8, 32]. */
  readonly r: number;
  /** Personalization; empty means none. At most 1024 bytes. */
  readonly pers: Uint8Array;
}

/** The chain's proof of work: yespower 1.0, N = 2048, r = 32, "Altostream" (PROTOCOL.md §3.2). */
export const ALTO_YESPOWER: YespowerParams = Object.freeze({
  N: 2048,
  r: 32,
  pers: new TextEncoder().encode('Altostream'),
});

const MAX_PERS = 1024;

export function checkYespowerParams(params: YespowerParams): void {
  const { N, r, pers } = params;
  if (!Number.isInteger(N) || N < 1024 || N > 524288 || (N & (N - 1)) !== 0) {
    throw new InvalidArgumentError(
      'bad-yespower-n',
      `yespower N must be a power of two in [1024, 524288], got ${N}`,
    );
  }
  if (!Number.isInteger(r) || r < 8 || r > 32) {
    throw new InvalidArgumentError('bad-yespower-r', `yespower r must be an integer in [8, 32], got ${r}`);
  }
  checkBytes('yespower personalization', pers);
  if (pers.length > MAX_PERS) {
    throw new InvalidArgumentError(
      'bad-yespower-pers',
      `yespower personalization must be at most ${MAX_PERS} bytes, got ${pers.length}`,
    );
  }
}

/** Memory one yespower instance needs for its V array, in bytes. */
export function yespowerMemoryBytes(params: YespowerParams = ALTO_YESPOWER): number {
  return 128 * params.r * params.N;
}

function applyParams(core: WasmCore, params: YespowerParams): void {
  checkYespowerParams(params);
  core.bytes().set(params.pers, core.input);
  const status = core.exports.yespowerParams(params.N, params.r, params.pers.length);
  if (status !== 0) {
    throw new InvalidArgumentError(
      'yespower-out-of-memory',
      `cannot reserve ${yespowerMemoryBytes(params)} bytes of WASM memory for yespower (status ${status})`,
    );
  }
}

export function yespowerInto(
  input: Uint8Array,
  out: Uint8Array,
  params: YespowerParams = ALTO_YESPOWER,
): void {
  checkBytes('input', input);
  checkBytes('out', out, POW_HASH_LENGTH);
  const core = wasm();
  if (input.length > core.inputCapacity) {
    throw new InvalidArgumentError('oversize', `yespower input must be at most ${core.inputCapacity} bytes`);
  }
  applyParams(core, params);
  core.bytes().set(input, core.input);
  core.exports.yespowerInput(input.length);
  out.set(core.bytes().subarray(core.digest, core.digest + POW_HASH_LENGTH));
}

export function yespower(input: Uint8Array, params: YespowerParams = ALTO_YESPOWER): Uint8Array {
  const out = new Uint8Array(POW_HASH_LENGTH);
  yespowerInto(input, out, params);
  return out;
}

/** LE256(hash) ≤ LE256(target) (PROTOCOL.md §3.2). */
export function meetsTarget(hash: Uint8Array, target: Uint8Array): boolean {
  checkBytes('hash', hash, POW_HASH_LENGTH);
  checkBytes('target', target, TARGET_LENGTH);
  for (let i = 31; i >= 0; i--) {
    const h = hash[i]!;
    const t = target[i]!;
    if (h !== t) return h < t;
  }
  return true;
}

export interface ScanHit {
  readonly nonce: number;
  readonly hash: Uint8Array;
}

export function checkNonceRange(startNonce: number, count: number): void {
  if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce > 0xffffffff) {
    throw new InvalidArgumentError('bad-nonce', `start nonce must be a u32, got ${startNonce}`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_SCAN_COUNT) {
    throw new InvalidArgumentError(
      'bad-count',
      `count must be an integer in [1, ${MAX_SCAN_COUNT}], got ${count}`,
    );
  }
  if (startNonce + count > 0x100000000) {
    throw new InvalidArgumentError('bad-nonce-range', `nonce range ${startNonce} + ${count} passes 2^32`);
  }
}

/** Loads header and target into WASM memory; the scan then rewrites only the nonce. */
function loadJob(core: WasmCore, header: Uint8Array, target: Uint8Array): void {
  checkBytes('header', header, HEADER_LENGTH);
  checkBytes('target', target, TARGET_LENGTH);
  const memory = core.bytes();
  memory.set(header, core.header);
  memory.set(target, core.target);
}

/**
 * Tries nonces startNonce … startNonce + count − 1 in the header and returns
 * the first whose yespower hash meets the target, or null.
 */
export function scanNonces(
  header: Uint8Array,
  target: Uint8Array,
  startNonce: number,
  count: number,
  params: YespowerParams = ALTO_YESPOWER,
): ScanHit | null {
  checkNonceRange(startNonce, count);
  const core = wasm();
  loadJob(core, header, target);
  applyParams(core, params);
  const offset = core.exports.scanNonces(startNonce, count);
  if (offset === NOT_FOUND) return null;
  const hash = core.bytes().slice(core.powHash, core.powHash + POW_HASH_LENGTH);
  return { nonce: startNonce + offset, hash };
}

/**
 * Tries nonces startNonce … startNonce + count − 1 in the header and returns
 * the first whose SHA-256d meets the target, or null. Four nonces run at
 * once in the SIMD build; the answer is the same as a one-by-one loop's.
 */
export function scanSha256dNonces(
  header: Uint8Array,
  target: Uint8Array,
  startNonce: number,
  count: number,
): ScanHit | null {
  checkNonceRange(startNonce, count);
  const core = wasm();
  loadJob(core, header, target);
  const offset = core.exports.scanSha256dNonces(startNonce, count);
  if (offset === NOT_FOUND) return null;
  const hash = core.bytes().slice(core.powHash, core.powHash + POW_HASH_LENGTH);
  return { nonce: startNonce + offset, hash };
}
