// The bare pwxform dependency chain of yespower 1.0 (four lanes, three
// rounds, S-box writes, rotation) over 96 KiB of S-boxes, with no X or V
// traffic, using the production gather(). bench/native/pwxform-chain.c is the same loop in
// C with SSE2 intrinsics, so the two measure what V8 and a native compiler
// make of the instructions that bound the hash.
import { gather } from '../yespower';

const S_BOX_BYTES: usize = 32768;
const S: usize = memory.data(3 * <i32>S_BOX_BYTES, 64);

export function fill(): void {
  let x: u32 = 12345;
  for (let i: usize = 0; i < 3 * S_BOX_BYTES; i += 4) {
    x = x * 1103515245 + 12345;
    store<u32>(S + i, x);
  }
}

/** Runs `n` pwxforms; returns a value that depends on all of them. */
export function chain(n: i32): u32 {
  let c0 = v128.load(S);
  let c1 = v128.load(S, 16);
  let c2 = v128.load(S, 32);
  let c3 = v128.load(S, 48);
  let s0 = S;
  let s1 = S + S_BOX_BYTES;
  let s2 = S + 2 * S_BOX_BYTES;
  let w: usize = 0;
  for (let i = 0; i < n; i++) {
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1);
    c2 = gather(c2, s0, s1);
    v128.store(s0 + w, c2, 16);
    c3 = gather(c3, s0, s1);
    v128.store(s1 + w, c3, 16);
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0, 32);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1, 32);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    c0 = gather(c0, s0, s1);
    v128.store(s0 + w, c0, 48);
    c1 = gather(c1, s0, s1);
    v128.store(s1 + w, c1, 48);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    const t = s2;
    s2 = s1;
    s1 = s0;
    s0 = t;
    w = (w + 64) & (S_BOX_BYTES - 1);
  }
  return i32x4.extract_lane(v128.xor(v128.xor(c0, c1), v128.xor(c2, c3)), 0);
}
