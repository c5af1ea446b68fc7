// Every buffer that crosses the JS boundary. JS writes inputs here, calls an
// export with lengths only, and reads results back; no pointer is ever chosen
// by the caller. Module-private scratch lives in each module's own
// memory.data() blocks; the big yespower arena starts at __heap_base.
//
//   offset (static data, 16-aligned)                  size
//   ┌──────────────────────────────────────────────┐
//   │ INPUT   message chunks, personalization, …    │  INPUT_CAPACITY (256 KiB)
//   ├──────────────────────────────────────────────┤
//   │ DIGEST  hash output (SHA-256: 32, SHA-512: 64) │  64
//   ├──────────────────────────────────────────────┤
//   │ HEADER  80-byte key-block header (nonce @76)   │  80
//   ├──────────────────────────────────────────────┤
//   │ TARGET  256-bit little-endian target           │  32
//   ├──────────────────────────────────────────────┤
//   │ POW_HASH  hash of the last scanned header      │  32
//   ├──────────────────────────────────────────────┤
//   │ module scratch: SHA state, yespower B/X/S …    │  (see each module)
//   ├──────────────────────────────────────────────┤ __heap_base
//   │ yespower V: 128·r·N bytes, grown on demand     │  8 MiB at N=2048, r=32
//   └──────────────────────────────────────────────┘

export const INPUT_CAPACITY: i32 = 262144;

export const INPUT: usize = memory.data(INPUT_CAPACITY, 16);
export const DIGEST: usize = memory.data(64, 16);
export const HEADER: usize = memory.data(80, 16);
export const TARGET: usize = memory.data(32, 16);
export const POW_HASH: usize = memory.data(32, 16);

export const HEADER_LENGTH: i32 = 80;
export const NONCE_OFFSET: i32 = 76;

/** Makes sure [__heap_base, __heap_base + bytes) is addressable; false if memory cannot grow. */
export function reserveArena(bytes: usize): bool {
  const end = arenaStart() + bytes;
  const have = <usize>memory.size() << 16;
  if (end <= have) return true;
  const pages = <i32>((end - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

/** Cache-line aligned, so no 16-byte load of a V block straddles two lines. */
export function arenaStart(): usize {
  return (__heap_base + 63) & ~63;
}
