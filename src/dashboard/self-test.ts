// The benchmark's self-test: every yespower vector through the hash the page
// is about to measure, before a single hash counts (as cpuminer-opt checks an
// algorithm before it mines). Pure: the hash comes in, so Node's tests run it
// on the real wasm and on a broken one.
import type { YespowerParams } from '../crypto/pow.js';
import type { YespowerVector } from '../crypto/yespower-vectors.js';
import { fromHex, toHex } from '../client/values.js';

export type YespowerFn = (input: Uint8Array, params: YespowerParams) => Uint8Array;

export interface VectorFailure {
  /** Index in the vector list, from 0. */
  readonly index: number;
  readonly vector: YespowerVector;
  readonly got: string;
}

export interface VectorCheck {
  readonly total: number;
  readonly failures: readonly VectorFailure[];
}

export function checkVectors(hash: YespowerFn, vectors: readonly YespowerVector[]): VectorCheck {
  const failures: VectorFailure[] = [];
  vectors.forEach((vector, index) => {
    const got = toHex(hash(fromHex(vector.input), { N: vector.N, r: vector.r, pers: fromHex(vector.pers) }));
    if (got !== vector.hash) failures.push({ index, vector, got });
  });
  return { total: vectors.length, failures };
}

/** One line per failure, for the page: which vector, what came out, what should have. */
export function describeFailure(f: VectorFailure): string {
  const { N, r, pers, hash } = f.vector;
  const personalization = pers === '' ? 'no personalization' : `personalization ${pers}`;
  return `vector ${f.index + 1} (N = ${N}, r = ${r}, ${personalization}): got ${f.got}, expected ${hash}`;
}
