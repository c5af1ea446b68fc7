// Key derivation and signing, RFC 8032 §5.1.5 and §5.1.6 (pure Ed25519, no
// context). The secret scalar only ever meets the constant-time mulBase.
import { sha512, sha512Final, sha512Init, sha512Update, SHA512_CTX_SIZE } from '../sha512';
import { POINT_SIZE, pointEncode } from './point';
import { scMulAdd, scReduce } from './scalar';
import { mulBase } from './scalarmult';

const EXPANDED: usize = memory.data(64, 16); // SHA-512(seed): clamped scalar s ‖ prefix
const POINT: usize = memory.data(<i32>POINT_SIZE, 16);
const PUBLIC: usize = memory.data(32, 16);
const NONCE: usize = memory.data(64, 16);
const CHALLENGE: usize = memory.data(64, 16);
const CTX: usize = memory.data(<i32>SHA512_CTX_SIZE, 16);

// The last key used: a node signs with one key over and over, and deriving
// it (a hash and a fixed-base multiplication) is half the cost of a signature.
const CACHED_SEED: usize = memory.data(32, 16);
let cacheValid = false;

/** SHA-512 of the seed, the low half clamped into the secret scalar s (§5.1.5 steps 1–2), and A = [s]B. */
function expand(seed: usize): void {
  if (cacheValid && sameSeed(seed)) return;
  sha512(seed, 32, EXPANDED);
  store<u8>(EXPANDED, load<u8>(EXPANDED) & 248);
  store<u8>(EXPANDED + 31, (load<u8>(EXPANDED + 31) & 127) | 64);
  mulBase(POINT, EXPANDED);
  pointEncode(PUBLIC, POINT);
  memory.copy(CACHED_SEED, seed, 32);
  cacheValid = true;
}

/** Compares without a data-dependent branch, so the time says only whether the key changed. */
function sameSeed(seed: usize): bool {
  let diff: u64 = 0;
  for (let i: usize = 0; i < 32; i += 8) diff |= load<u64>(seed + i) ^ load<u64>(CACHED_SEED + i);
  return diff == 0;
}

/** The 32-byte public key A = [s]B of a 32-byte seed. */
export function publicKeyFromSeed(out: usize, seed: usize): void {
  expand(seed);
  memory.copy(out, PUBLIC, 32);
}

/** The 64-byte signature R ‖ S of `length` message bytes under `seed`. */
export function sign(out: usize, seed: usize, message: usize, length: usize): void {
  expand(seed);
  // r = SHA-512(prefix ‖ M) mod L; R = [r]B.
  sha512Init(CTX);
  sha512Update(CTX, EXPANDED + 32, 32);
  sha512Update(CTX, message, length);
  sha512Final(CTX, NONCE);
  scReduce(NONCE, NONCE);
  mulBase(POINT, NONCE);
  pointEncode(out, POINT);
  // k = SHA-512(R ‖ A ‖ M) mod L; S = (r + k·s) mod L.
  sha512Init(CTX);
  sha512Update(CTX, out, 32);
  sha512Update(CTX, PUBLIC, 32);
  sha512Update(CTX, message, length);
  sha512Final(CTX, CHALLENGE);
  scReduce(CHALLENGE, CHALLENGE);
  scMulAdd(out + 32, CHALLENGE, EXPANDED, NONCE);
}
