// The whole ABI of build/altostream.wasm: only numbers cross. Inputs go into
// the static buffers of memory.ts (found through the *Ptr exports), results
// come back in DIGEST, POW_HASH or as return values.
import { DIGEST, HEADER, INPUT, INPUT_CAPACITY, POW_HASH, TARGET } from './memory';
import { SHA256_CTX_SIZE, sha256, sha256d, sha256Final, sha256Init, sha256Update } from './sha256';
import { yespowerHash, yespowerSetParams } from './yespower';
import { publicKeyFromSeed, sign } from './ed25519/sign';
import { isSmallOrder, verify, verifyWithHash } from './ed25519/verify';
import { batchBegin, batchPush, batchVerify, setPippengerFrom } from './ed25519/batch';

export { scanNonces } from './pow';

export function inputPtr(): usize {
  return INPUT;
}
export function inputCapacity(): i32 {
  return INPUT_CAPACITY;
}
export function digestPtr(): usize {
  return DIGEST;
}
export function headerPtr(): usize {
  return HEADER;
}
export function targetPtr(): usize {
  return TARGET;
}
export function powHashPtr(): usize {
  return POW_HASH;
}

const SHA256_STREAM: usize = memory.data(<i32>SHA256_CTX_SIZE, 16);

/** SHA-256 of the first `length` bytes of INPUT into DIGEST. */
export function sha256Input(length: i32): void {
  sha256(INPUT, length, DIGEST);
}
/** SHA-256d of the first `length` bytes of INPUT into DIGEST. */
export function sha256dInput(length: i32): void {
  sha256d(INPUT, length, DIGEST);
}
/** Streaming SHA-256 for messages longer than INPUT: begin, feed chunks, end into DIGEST. */
export function sha256Begin(): void {
  sha256Init(SHA256_STREAM);
}
export function sha256Feed(length: i32): void {
  sha256Update(SHA256_STREAM, INPUT, length);
}
export function sha256End(): void {
  sha256Final(SHA256_STREAM, DIGEST);
}

/** Sets yespower N, r and personalization (the first `persLength` bytes of INPUT). */
export function yespowerParams(n: u32, r: u32, persLength: i32): i32 {
  return yespowerSetParams(n, r, INPUT, persLength);
}
/** yespower of the first `length` bytes of INPUT into DIGEST. */
export function yespowerInput(length: i32): void {
  yespowerHash(INPUT, length, DIGEST);
}

// SHA-512 and the SHA-256d nonce scan (imports are hoisted, so this one may
// sit with the exports it serves).
import { SHA512_CTX_SIZE, sha512, sha512Final, sha512Init, sha512Update } from './sha512';

export { scanSha256dNonces } from './pow';

const SHA512_STREAM: usize = memory.data(<i32>SHA512_CTX_SIZE, 16);

/** SHA-512 of the first `length` bytes of INPUT into DIGEST (all 64 bytes). */
export function sha512Input(length: i32): void {
  sha512(INPUT, length, DIGEST);
}
/** Streaming SHA-512 for messages longer than INPUT: begin, feed chunks, end into DIGEST. */
export function sha512Begin(): void {
  sha512Init(SHA512_STREAM);
}
export function sha512Feed(length: i32): void {
  sha512Update(SHA512_STREAM, INPUT, length);
}
export function sha512End(): void {
  sha512Final(SHA512_STREAM, DIGEST);
}

// ed25519 (RFC 8032, verification under ZIP-215). Layouts in INPUT:
//   publicKey    seed[32]                       → DIGEST[0, 32)
//   sign         seed[32] ‖ message             → DIGEST[0, 64)
//   verify       signature[64] ‖ key[32] ‖ message
//   verifyHashed signature[64] ‖ key[32] ‖ SHA-512(R ‖ A ‖ M)[64], for messages too long for INPUT
//   smallOrder   key[32]
export function ed25519PublicKey(): void {
  publicKeyFromSeed(DIGEST, INPUT);
}
export function ed25519Sign(length: i32): void {
  sign(DIGEST, INPUT, INPUT + 32, length);
}
export function ed25519Verify(length: i32): i32 {
  return verify(INPUT, INPUT + 64, INPUT + 96, length);
}
export function ed25519VerifyHashed(): i32 {
  return verifyWithHash(INPUT, INPUT + 64, INPUT + 96);
}
/** 1 if the key decodes to a point P with [8]P = identity, 0 if it decodes to one without, −1 if it does not decode. */
export function ed25519SmallOrder(): i32 {
  return isSmallOrder(INPUT);
}

// Batch verification: batchBegin(n), then n × batchPush with INPUT holding
// signature[64] ‖ key[32] ‖ z[16] ‖ message, then batchVerify over index ranges.
export function ed25519BatchBegin(n: i32): i32 {
  return batchBegin(n);
}
export function ed25519BatchPush(length: i32): i32 {
  return batchPush(INPUT, INPUT + 64, INPUT + 96, INPUT + 112, length);
}
export function ed25519BatchVerify(from: i32, to: i32): i32 {
  return batchVerify(from, to);
}
/** Batch size from which batchVerify switches from Straus to Pippenger (for the benchmark that picks it). */
export function ed25519SetPippengerFrom(n: i32): void {
  setPippengerFrom(n);
}
