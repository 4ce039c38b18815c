// RaBitQ bit-plane scan: the integer inner product of bit-sliced codes with a bit-sliced query,
// Σ_i code_i · query_i, computed plane by plane as weighted popcounts of AND-ed 64-bit words.
// The layout is described in quiver_kernels.h (qk_rabitq_scan).
//
// Every path computes the same 32-bit integer sums (Horner's rule over the planes, modulo 2^32),
// so the SIMD paths match the portable one bit for bit.
#include "kernel_table.h"

/// The portable population count of a 64-bit word (no instruction-set assumptions).
static inline uint32_t portable_popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

/// Defines `name`, a scan whose word popcount is `popcount(x)`; the shape is the reference's:
/// for each plane, Horner over the query planes, then Horner over the code planes.
#define RABITQ_WORD_SCAN(name, attributes, popcount)                                            \
  attributes void name(const uint64_t *codes, size_t n, size_t words, size_t planes,            \
                       const uint64_t *query, size_t query_bits, uint32_t *out) {               \
    size_t row_words = planes * words;                                                          \
    for (size_t r = 0; r < n; r++) {                                                            \
      const uint64_t *row = codes + r * row_words;                                              \
      uint32_t total = 0;                                                                       \
      for (size_t p = 0; p < planes; p++) {                                                     \
        const uint64_t *plane = row + p * words;                                                \
        uint32_t plane_sum = 0;                                                                 \
        for (size_t j = 0; j < query_bits; j++) {                                               \
          const uint64_t *bits = query + j * words;                                             \
          uint32_t count = 0;                                                                   \
          for (size_t w = 0; w < words; w++) count += popcount(plane[w] & bits[w]);             \
          plane_sum = plane_sum * 2u + count;                                                   \
        }                                                                                       \
        total = total * 2u + plane_sum;                                                         \
      }                                                                                         \
      out[r] = total;                                                                           \
    }                                                                                           \
  }

// ---- portable reference ----------------------------------------------------------------------

RABITQ_WORD_SCAN(qk_scalar_rabitq_scan, , portable_popcount)

// ---- x86-64 ----------------------------------------------------------------------------------
#if defined(__x86_64__)
#include <immintrin.h>

// AVX2 machines all have POPCNT: the reference loop with the hardware instruction.
RABITQ_WORD_SCAN(qk_avx2_rabitq_scan, __attribute__((target("avx2,popcnt"))),
                 __builtin_popcountll)

#define QK_RQ_AVX512 __attribute__((target("avx512f,avx512bw,avx2,popcnt")))

/// Per 64-bit lane, the population count of `x` (nibble table lookup, then byte sums): needs only
/// AVX-512BW, not the VPOPCNTDQ extension some AVX-512 CPUs lack.
static inline QK_RQ_AVX512 __m512i lane_popcount(__m512i x) {
  const __m512i table = _mm512_broadcast_i32x4(
      _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  __m512i low = _mm512_shuffle_epi8(table, _mm512_and_si512(x, nibble));
  __m512i high = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(x, 4), nibble));
  return _mm512_sad_epu8(_mm512_add_epi8(low, high), _mm512_setzero_si512());
}

/// Eight words of a plane per step (masked for the last step); the per-lane Horner sums are
/// linear in the counts, so adding the lanes at the end gives the reference's total.
QK_RQ_AVX512 void qk_avx512_rabitq_scan(const uint64_t *codes, size_t n, size_t words,
                                        size_t planes, const uint64_t *query, size_t query_bits,
                                        uint32_t *out) {
  size_t row_words = planes * words;
  for (size_t r = 0; r < n; r++) {
    const uint64_t *row = codes + r * row_words;
    __m512i total = _mm512_setzero_si512();
    for (size_t w = 0; w < words; w += 8) {
      __mmask8 mask = words - w >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (words - w)) - 1u);
      __m512i chunk_total = _mm512_setzero_si512();
      for (size_t p = 0; p < planes; p++) {
        __m512i plane = _mm512_maskz_loadu_epi64(mask, row + p * words + w);
        __m512i plane_sum = _mm512_setzero_si512();
        for (size_t j = 0; j < query_bits; j++) {
          __m512i bits = _mm512_maskz_loadu_epi64(mask, query + j * words + w);
          __m512i count = lane_popcount(_mm512_and_si512(plane, bits));
          plane_sum = _mm512_add_epi64(_mm512_slli_epi64(plane_sum, 1), count);
        }
        chunk_total = _mm512_add_epi64(_mm512_slli_epi64(chunk_total, 1), plane_sum);
      }
      total = _mm512_add_epi64(total, chunk_total);
    }
    out[r] = (uint32_t)_mm512_reduce_add_epi64(total);
  }
}
#endif

// ---- arm64 -----------------------------------------------------------------------------------
#if defined(__aarch64__)
#include <arm_neon.h>

/// The population count of a word through the byte count instruction (at most 64: fits a byte).
static inline uint32_t neon_popcount(uint64_t x) {
  return (uint32_t)vaddv_u8(vcnt_u8(vcreate_u8(x)));
}

RABITQ_WORD_SCAN(qk_neon_rabitq_scan, , neon_popcount)
#endif
