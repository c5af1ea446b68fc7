// SHA-256, SHA-256d and SHA-512 over the WASM core, with `*Into(out)`
// variants that write into a caller's buffer instead of allocating.
import { checkBytes } from './bytes.js';
import { wasm, type WasmCore } from './wasm.js';

export const SHA256_LENGTH = 32;
export const SHA512_LENGTH = 64;

function digestInto(core: WasmCore, out: Uint8Array, length: number): void {
  out.set(core.bytes().subarray(core.digest, core.digest + length));
}

/** One hash function's exports: a one-shot over INPUT, and begin/feed/end for longer messages. */
interface HashExports {
  readonly oneShot: (length: number) => void;
  readonly begin: () => void;
  readonly feed: (length: number) => void;
  readonly end: () => void;
}

function sha256Exports(core: WasmCore): HashExports {
  const e = core.exports;
  return { oneShot: e.sha256Input, begin: e.sha256Begin, feed: e.sha256Feed, end: e.sha256End };
}

function sha512Exports(core: WasmCore): HashExports {
  const e = core.exports;
  return { oneShot: e.sha512Input, begin: e.sha512Begin, feed: e.sha512Feed, end: e.sha512End };
}

/** Hashes `data` into DIGEST, streaming it through INPUT in chunks when it does not fit. */
function hashToDigest(core: WasmCore, hash: HashExports, data: Uint8Array): void {
  const { input, inputCapacity } = core;
  if (data.length <= inputCapacity) {
    core.bytes().set(data, input);
    hash.oneShot(data.length);
    return;
  }
  hash.begin();
  for (let at = 0; at < data.length; at += inputCapacity) {
    const chunk = data.subarray(at, at + inputCapacity);
    core.bytes().set(chunk, input);
    hash.feed(chunk.length);
  }
  hash.end();
}

export function sha256Into(data: Uint8Array, out: Uint8Array): void {
  checkBytes('data', data);
  checkBytes('out', out, SHA256_LENGTH);
  const core = wasm();
  hashToDigest(core, sha256Exports(core), data);
  digestInto(core, out, SHA256_LENGTH);
}

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(SHA256_LENGTH);
  sha256Into(data, out);
  return out;
}

/** SHA-256d = SHA-256(SHA-256(data)): block ids, txids and Merkle nodes (PROTOCOL.md §2.2). */
export function sha256dInto(data: Uint8Array, out: Uint8Array): void {
  checkBytes('data', data);
  checkBytes('out', out, SHA256_LENGTH);
  const core = wasm();
  if (data.length <= core.inputCapacity) {
    core.bytes().set(data, core.input);
    core.exports.sha256dInput(data.length);
  } else {
    hashToDigest(core, sha256Exports(core), data);
    core.bytes().copyWithin(core.input, core.digest, core.digest + SHA256_LENGTH);
    core.exports.sha256Input(SHA256_LENGTH);
  }
  digestInto(core, out, SHA256_LENGTH);
}

export function sha256d(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(SHA256_LENGTH);
  sha256dInto(data, out);
  return out;
}

/** SHA-512 (FIPS 180-4): what Ed25519 (RFC 8032 §5.1) hashes with. */
export function sha512Into(data: Uint8Array, out: Uint8Array): void {
  checkBytes('data', data);
  checkBytes('out', out, SHA512_LENGTH);
  const core = wasm();
  hashToDigest(core, sha512Exports(core), data);
  digestInto(core, out, SHA512_LENGTH);
}

export function sha512(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(SHA512_LENGTH);
  sha512Into(data, out);
  return out;
}

/**
 * SHA-256 of the concatenation of `chunks`, streamed through the WASM core
 * without building the whole message. The iterable is consumed synchronously
 * and must not itself call into the hash functions.
 */
export function sha256OfChunks(chunks: Iterable<Uint8Array>): Uint8Array {
  const core = wasm();
  const { exports, input, inputCapacity } = core;
  exports.sha256Begin();
  let filled = 0;
  for (const chunk of chunks) {
    checkBytes('chunk', chunk);
    for (let at = 0; at < chunk.length;) {
      const take = Math.min(inputCapacity - filled, chunk.length - at);
      core.bytes().set(chunk.subarray(at, at + take), input + filled);
      filled += take;
      at += take;
      if (filled === inputCapacity) {
        exports.sha256Feed(filled);
        filled = 0;
      }
    }
  }
  if (filled > 0) exports.sha256Feed(filled);
  exports.sha256End();
  return core.bytes().slice(core.digest, core.digest + SHA256_LENGTH);
}
