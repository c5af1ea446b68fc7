// Loads build/altostream.wasm (or its scalar twin) and types its exports.
// One instance per thread, created on first use and never replaced; every
// call into it is synchronous, so no two callers interleave.
import { readFileSync } from 'node:fs';
import * as loader from '@assemblyscript/loader';

export type WasmVariant = 'simd' | 'scalar';

/** The ABI of assembly/index.ts. Pointers index `memory`; exports use no `this`. */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  readonly inputPtr: () => number;
  readonly inputCapacity: () => number;
  readonly digestPtr: () => number;
  readonly headerPtr: () => number;
  readonly targetPtr: () => number;
  readonly powHashPtr: () => number;
  readonly sha256Input: (length: number) => void;
  readonly sha256dInput: (length: number) => void;
  readonly sha256Begin: () => void;
  readonly sha256Feed: (length: number) => void;
  readonly sha256End: () => void;
  readonly yespowerParams: (n: number, r: number, persLength: number) => number;
  readonly yespowerInput: (length: number) => void;
  readonly scanNonces: (start: number, count: number) => number;
  readonly sha512Input: (length: number) => void;
  readonly sha512Begin: () => void;
  readonly sha512Feed: (length: number) => void;
  readonly sha512End: () => void;
  readonly scanSha256dNonces: (start: number, count: number) => number;
  readonly ed25519PublicKey: () => void;
  readonly ed25519Sign: (length: number) => void;
  readonly ed25519Verify: (length: number) => number;
  readonly ed25519VerifyHashed: () => number;
  readonly ed25519SmallOrder: () => number;
  readonly ed25519BatchBegin: (n: number) => number;
  readonly ed25519BatchPush: (length: number) => number;
  readonly ed25519BatchVerify: (from: number, to: number) => number;
  readonly ed25519SetPippengerFrom: (n: number) => void;
}

/** A loaded instance with byte views that survive memory growth. */
export interface WasmCore {
  readonly exports: WasmExports;
  /** The current view of linear memory (re-made after memory.grow detached the old one). */
  bytes(): Uint8Array;
  readonly input: number;
  readonly inputCapacity: number;
  readonly digest: number;
  readonly header: number;
  readonly target: number;
  readonly powHash: number;
}

const FILES: Record<WasmVariant, string> = {
  simd: 'altostream.wasm',
  scalar: 'altostream-scalar.wasm',
};

function wasmPath(variant: WasmVariant): URL {
  // src/crypto/ and dist/crypto/ both sit two levels below the package root.
  return new URL(`../../build/${FILES[variant]}`, import.meta.url);
}

export function instantiateWasm(variant: WasmVariant = 'simd'): WasmCore {
  let binary: Buffer;
  try {
    binary = readFileSync(wasmPath(variant));
  } catch (cause) {
    throw new Error(`cannot read ${wasmPath(variant).pathname}: run \`npm run build:wasm\` first`, { cause });
  }
  const { exports } = loader.instantiateSync<Record<string, unknown>>(binary, {});
  const typed = exports as unknown as WasmExports;
  let view = new Uint8Array(typed.memory.buffer);
  return {
    exports: typed,
    bytes() {
      if (view.buffer !== typed.memory.buffer) view = new Uint8Array(typed.memory.buffer);
      return view;
    },
    input: typed.inputPtr(),
    inputCapacity: typed.inputCapacity(),
    digest: typed.digestPtr(),
    header: typed.headerPtr(),
    target: typed.targetPtr(),
    powHash: typed.powHashPtr(),
  };
}

let shared: WasmCore | undefined;

/** This thread's instance of the SIMD build. */
export function wasm(): WasmCore {
  shared ??= instantiateWasm('simd');
  return shared;
}
