import { readFileSync } from 'node:fs';

/** build/altostream-testing.wasm: internals exposed for tests; pointers are offsets into its scratch area. */
export interface TestingWasm {
  readonly memory: WebAssembly.Memory;
  readonly scratchPtr: () => number;
  readonly [name: string]: unknown;
}

export function loadTestingWasm(): { exports: TestingWasm; scratch: () => Uint8Array } {
  const module = new WebAssembly.Module(
    readFileSync(new URL('../../build/altostream-testing.wasm', import.meta.url)),
  );
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort: () => {
        throw new Error('wasm abort');
      },
    },
  });
  const exports = instance.exports as unknown as TestingWasm;
  const base = exports.scratchPtr();
  return { exports, scratch: () => new Uint8Array(exports.memory.buffer, base, 4096) };
}

export function bigintToLe(value: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

export function leToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}
