/** splitmix32: a seeded stream, so a failing case can be regenerated from its seed. */
export function seeded(seed: number): { u32: () => number; bytes: (length: number) => Uint8Array } {
  let state = seed >>> 0;
  const u32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const bytes = (length: number): Uint8Array => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = u32() & 0xff;
    return out;
  };
  return { u32, bytes };
}

/** The byte half of `seeded`. */
export function seededRandom(seed: number): (length: number) => Uint8Array {
  return seeded(seed).bytes;
}
