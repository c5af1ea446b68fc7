/*
 * The bare pwxform dependency chain of yespower 1.0 in C with SSE2, the twin
 * of assembly/bench/pwxform-chain.ts: four lanes, three rounds, S-box writes and rotation over
 * 96 KiB of S-boxes. Usage: pwxform-chain MS — runs about MS milliseconds and
 * prints pwxforms per second.
 */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define S_BOX_BYTES 32768
#define MASK2 0x00007ff000007ff0ULL

static uint8_t sboxes[3 * S_BOX_BYTES] __attribute__((aligned(64)));

static inline __m128i gather(__m128i x, const uint8_t *s0, const uint8_t *s1) {
  uint64_t offsets = (uint64_t)_mm_cvtsi128_si64(x) & MASK2;
  __m128i product = _mm_mul_epu32(_mm_srli_epi64(x, 32), x);
  product = _mm_add_epi64(product, *(const __m128i *)(s0 + (uint32_t)offsets));
  return _mm_xor_si128(product, *(const __m128i *)(s1 + (offsets >> 32)));
}

static __m128i c0, c1, c2, c3;
static uint8_t *s0 = sboxes, *s1 = sboxes + S_BOX_BYTES, *s2 = sboxes + 2 * S_BOX_BYTES;
static size_t w;

static void chain(long n) {
  for (long i = 0; i < n; i++) {
    c0 = gather(c0, s0, s1);
    _mm_store_si128((__m128i *)(s0 + w), c0);
    c1 = gather(c1, s0, s1);
    _mm_store_si128((__m128i *)(s1 + w), c1);
    c2 = gather(c2, s0, s1);
    _mm_store_si128((__m128i *)(s0 + w + 16), c2);
    c3 = gather(c3, s0, s1);
    _mm_store_si128((__m128i *)(s1 + w + 16), c3);
    c0 = gather(c0, s0, s1);
    _mm_store_si128((__m128i *)(s0 + w + 32), c0);
    c1 = gather(c1, s0, s1);
    _mm_store_si128((__m128i *)(s1 + w + 32), c1);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    c0 = gather(c0, s0, s1);
    _mm_store_si128((__m128i *)(s0 + w + 48), c0);
    c1 = gather(c1, s0, s1);
    _mm_store_si128((__m128i *)(s1 + w + 48), c1);
    c2 = gather(c2, s0, s1);
    c3 = gather(c3, s0, s1);
    uint8_t *t = s2;
    s2 = s1;
    s1 = s0;
    s0 = t;
    w = (w + 64) & (S_BOX_BYTES - 1);
  }
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  double ms = argc > 1 ? atof(argv[1]) : 500;
  uint32_t x = 12345;
  for (int i = 0; i < 3 * S_BOX_BYTES; i += 4) {
    x = x * 1103515245u + 12345u;
    *(uint32_t *)(sboxes + i) = x;
  }
  c0 = _mm_load_si128((__m128i *)sboxes);
  c1 = _mm_load_si128((__m128i *)(sboxes + 16));
  c2 = _mm_load_si128((__m128i *)(sboxes + 32));
  c3 = _mm_load_si128((__m128i *)(sboxes + 48));
  chain(100000); /* warm the caches */
  long done = 0;
  double start = now_ms(), end = start + ms, t;
  do {
    chain(20000);
    done += 20000;
    t = now_ms();
  } while (t < end);
  __m128i r = _mm_xor_si128(_mm_xor_si128(c0, c1), _mm_xor_si128(c2, c3));
  printf("%.1f %d\n", done / ((t - start) / 1e3), _mm_cvtsi128_si32(r) & 1);
  return 0;
}
