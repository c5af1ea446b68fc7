// HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256 with one iteration
// (RFC 8018 §5.2), which is all yespower needs.
import { SHA256_CTX_SIZE, sha256, sha256Init, sha256Update, sha256Final } from './sha256';

const PAD: usize = memory.data(64, 16);
const KEY_BLOCK: usize = memory.data(64, 16);
const INNER_CTX: usize = memory.data(<i32>SHA256_CTX_SIZE, 16);
const OUTER_CTX: usize = memory.data(<i32>SHA256_CTX_SIZE, 16);
const WORK_CTX: usize = memory.data(<i32>SHA256_CTX_SIZE, 16);
const U: usize = memory.data(32, 16);
const COUNTER: usize = memory.data(4, 16);

/** Absorbs key⊕ipad into INNER_CTX and key⊕opad into OUTER_CTX. */
function hmacKeySetup(key: usize, keyLength: usize): void {
  memory.fill(KEY_BLOCK, 0, 64);
  if (keyLength > 64) sha256(key, keyLength, KEY_BLOCK);
  else memory.copy(KEY_BLOCK, key, keyLength);
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(KEY_BLOCK + i) ^ 0x36);
  sha256Init(INNER_CTX);
  sha256Update(INNER_CTX, PAD, 64);
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(KEY_BLOCK + i) ^ 0x5c);
  sha256Init(OUTER_CTX);
  sha256Update(OUTER_CTX, PAD, 64);
}

/** Finishes HMAC from the keyed contexts: the inner message is already in WORK_CTX. */
function hmacFinish(out: usize): void {
  sha256Final(WORK_CTX, U);
  memory.copy(WORK_CTX, OUTER_CTX, SHA256_CTX_SIZE);
  sha256Update(WORK_CTX, U, 32);
  sha256Final(WORK_CTX, out);
}

export function hmacSha256(key: usize, keyLength: usize, data: usize, length: usize, out: usize): void {
  hmacKeySetup(key, keyLength);
  memory.copy(WORK_CTX, INNER_CTX, SHA256_CTX_SIZE);
  sha256Update(WORK_CTX, data, length);
  hmacFinish(out);
}

/** PBKDF2-HMAC-SHA256 with c = 1: block i is HMAC(P, S ‖ INT_BE(i)). */
export function pbkdf2Sha256Once(
  password: usize,
  passwordLength: usize,
  salt: usize,
  saltLength: usize,
  out: usize,
  outLength: usize,
): void {
  hmacKeySetup(password, passwordLength);
  for (let i: u32 = 1, done: usize = 0; done < outLength; i++, done += 32) {
    memory.copy(WORK_CTX, INNER_CTX, SHA256_CTX_SIZE);
    sha256Update(WORK_CTX, salt, saltLength);
    store<u32>(COUNTER, bswap<u32>(i));
    sha256Update(WORK_CTX, COUNTER, 4);
    hmacFinish(U);
    memory.copy(out + done, U, min<usize>(32, outLength - done));
  }
}
