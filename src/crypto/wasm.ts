// Loads build/altostream.wasm (or its scalar twin) and types its exports.
// One instance per thread, created on first use and never replaced; every
// call into it is synchronous, so no two callers interleave.
//
// Under Node the first use reads the file with node:fs. A browser (or any
// caller that holds the module itself) hands the bytes or a compiled
// WebAssembly.Module in before first use, with provideWasm (synchronous: Node,
// workers) or initWasm (asynchronous: a browser's main thread, which refuses
// to compile or instantiate a large module synchronously). node:fs is reached
// through process.getBuiltinModule, never a static import, so a browser
// bundle of this file carries no node: import.
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

/** What a caller may hand in instead of the file: the .wasm bytes or the module compiled from them. */
export type WasmSource = BufferSource | WebAssembly.Module;

/** The build's bytes, read with node:fs; outside Node a clear error that says to provide them. */
function readBuild(variant: WasmVariant): Uint8Array {
  // Typed as maybe-absent: the DOM has no `process`, and Node 20 before 20.16 no getBuiltinModule.
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const fs = host.process?.getBuiltinModule?.('node:fs') as
    { readFileSync: (path: URL) => Uint8Array } | undefined;
  if (fs === undefined) {
    throw new Error(
      `no ${FILES[variant]} here: outside Node, hand its bytes or a WebAssembly.Module to initWasm() or provideWasm() before first use`,
    );
  }
  try {
    return fs.readFileSync(wasmPath(variant));
  } catch (cause) {
    throw new Error(`cannot read ${wasmPath(variant).pathname}: run \`npm run build:wasm\` first`, { cause });
  }
}

export function instantiateWasm(variant: WasmVariant = 'simd', source?: WasmSource): WasmCore {
  const { exports } = loader.instantiateSync<Record<string, unknown>>(source ?? readBuild(variant), {});
  return coreOf(exports);
}

function coreOf(exports: Record<string, unknown>): WasmCore {
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

/** This thread's instance of the SIMD build: the one handed in, else the file read on first use. */
export function wasm(): WasmCore {
  shared ??= instantiateWasm('simd');
  return shared;
}

function refuseSecond(): void {
  if (shared !== undefined) {
    throw new Error('the wasm is already loaded in this thread: provide it before its first use');
  }
}

/** Hands this thread the SIMD build's bytes or compiled module, synchronously, before first use. */
export function provideWasm(source: WasmSource): void {
  refuseSecond();
  shared = instantiateWasm('simd', source);
}

/**
 * Hands this thread the SIMD build asynchronously, before first use: the bytes, the compiled
 * module, or a fetch() Response for the .wasm (streamed). A browser's main thread needs this form.
 */
export async function initWasm(source: WasmSource | Response | PromiseLike<Response>): Promise<void> {
  refuseSecond();
  const { exports } = await loader.instantiate<Record<string, unknown>>(source, {});
  refuseSecond(); // another caller may have loaded it while this one awaited
  shared = coreOf(exports);
}
