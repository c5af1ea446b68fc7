// A second entry point, built as build/altostream-testing.wasm for the tests
// only: it exposes internals (field and scalar arithmetic) that the production
// ABI in index.ts does not, so they can be checked against BigInt on random
// inputs. Arguments are offsets into SCRATCH.
import { publicKeyFromSeed, sign } from './ed25519/sign';
import { verify } from './ed25519/verify';
import { scIsCanonical, scMulAdd, scReduce } from './ed25519/scalar';
import { feAdd, feFromBytes, feInvert, feMul, feNeg, fePow22523, feSq, feSub, feToBytes } from './ed25519/field';

const SCRATCH: usize = memory.data(4096, 16);

export function scratchPtr(): usize {
  return SCRATCH;
}

export function testFeFromBytes(out: usize, bytes: usize): void {
  feFromBytes(SCRATCH + out, SCRATCH + bytes);
}
export function testFeToBytes(out: usize, f: usize): void {
  feToBytes(SCRATCH + out, SCRATCH + f);
}
export function testFeAdd(out: usize, f: usize, g: usize): void {
  feAdd(SCRATCH + out, SCRATCH + f, SCRATCH + g);
}
export function testFeSub(out: usize, f: usize, g: usize): void {
  feSub(SCRATCH + out, SCRATCH + f, SCRATCH + g);
}
export function testFeNeg(out: usize, f: usize): void {
  feNeg(SCRATCH + out, SCRATCH + f);
}
export function testFeMul(out: usize, f: usize, g: usize): void {
  feMul(SCRATCH + out, SCRATCH + f, SCRATCH + g);
}
export function testFeSq(out: usize, f: usize): void {
  feSq(SCRATCH + out, SCRATCH + f);
}
export function testFeInvert(out: usize, f: usize): void {
  feInvert(SCRATCH + out, SCRATCH + f);
}
export function testFePow22523(out: usize, f: usize): void {
  fePow22523(SCRATCH + out, SCRATCH + f);
}

export function testScReduce(out: usize, wide: usize): void {
  scReduce(SCRATCH + out, SCRATCH + wide);
}
export function testScMulAdd(out: usize, a: usize, b: usize, c: usize): void {
  scMulAdd(SCRATCH + out, SCRATCH + a, SCRATCH + b, SCRATCH + c);
}
export function testScIsCanonical(s: usize): i32 {
  return scIsCanonical(SCRATCH + s);
}

export function testPublicKey(out: usize, seed: usize): void {
  publicKeyFromSeed(SCRATCH + out, SCRATCH + seed);
}
export function testSign(out: usize, seed: usize, message: usize, length: usize): void {
  sign(SCRATCH + out, SCRATCH + seed, SCRATCH + message, length);
}
export function testVerify(signature: usize, publicKey: usize, message: usize, length: usize): i32 {
  return verify(SCRATCH + signature, SCRATCH + publicKey, SCRATCH + message, length);
}
