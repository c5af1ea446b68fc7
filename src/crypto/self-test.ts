// Checks the yespower core against the known vectors before anything trusts
// its output, the way cpuminer-opt self-tests an algorithm before mining.
import { yespower } from './pow.js';
import { YESPOWER_VECTORS, type YespowerVector } from './yespower-vectors.js';

export interface SelfTestFailure {
  readonly vector: YespowerVector;
  readonly got: string;
}

export interface SelfTestResult {
  readonly passed: number;
  readonly failures: readonly SelfTestFailure[];
}

export function selfTestYespower(vectors: readonly YespowerVector[] = YESPOWER_VECTORS): SelfTestResult {
  const failures: SelfTestFailure[] = [];
  for (const vector of vectors) {
    const got = Buffer.from(
      yespower(Buffer.from(vector.input, 'hex'), {
        N: vector.N,
        r: vector.r,
        pers: Buffer.from(vector.pers, 'hex'),
      }),
    ).toString('hex');
    if (got !== vector.hash) failures.push({ vector, got });
  }
  return { passed: vectors.length - failures.length, failures };
}
