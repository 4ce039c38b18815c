// Distances between 8-bit codes for the HNSW build's beam search (include/quiver_hnsw.h).
//
// Integer arithmetic throughout (codes widened to 16 bits, products summed in 32-bit lanes), so
// every path returns exactly the scalar path's value and a build gives the same graph on every
// CPU. Paths: AVX-512BW and AVX2 (x86-64, per-function target attributes, no package flags),
// NEON (arm64), scalar; picked on first use from the CPU's features.
#include "quiver_hnsw.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

typedef uint32_t (*qh_code_kernel)(const uint8_t *, const uint8_t *, size_t);

static uint32_t scalar_l2sq(const uint8_t *a, const uint8_t *b, size_t dimension) {
  uint32_t sum = 0;
  for (size_t i = 0; i < dimension; i++) {
    int32_t difference = (int32_t)a[i] - (int32_t)b[i];
    sum += (uint32_t)(difference * difference);
  }
  return sum;
}

static uint32_t scalar_dot(const uint8_t *a, const uint8_t *b, size_t dimension) {
  uint32_t sum = 0;
  for (size_t i = 0; i < dimension; i++) sum += (uint32_t)a[i] * (uint32_t)b[i];
  return sum;
}

#if defined(__x86_64__)
#define QH_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2")))
#define QH_AVX2 __attribute__((target("avx2")))

// 32 codes a step: widened to 16-bit lanes, then pairs of products summed into 32-bit lanes.
#define QH_AVX512_KERNEL(name, COMBINE)                                                        \
  static QH_AVX512 uint32_t name(const uint8_t *a, const uint8_t *b, size_t dimension) {       \
    __m512i sum0 = _mm512_setzero_si512(), sum1 = sum0;                                        \
    size_t i = 0;                                                                              \
    for (; i + 64 <= dimension; i += 64) {                                                     \
      __m512i x0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(a + i)));         \
      __m512i y0 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(b + i)));         \
      __m512i x1 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(a + i + 32)));    \
      __m512i y1 = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(b + i + 32)));    \
      sum0 = _mm512_add_epi32(sum0, COMBINE(x0, y0));                                          \
      sum1 = _mm512_add_epi32(sum1, COMBINE(x1, y1));                                          \
    }                                                                                          \
    for (; i < dimension; i += 32) {                                                           \
      size_t left = dimension - i;                                                             \
      __mmask32 mask = left >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << left) - 1u);              \
      __m512i x = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, a + i));                  \
      __m512i y = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(mask, b + i));                  \
      sum0 = _mm512_add_epi32(sum0, COMBINE(x, y));                                            \
    }                                                                                          \
    return (uint32_t)_mm512_reduce_add_epi32(_mm512_add_epi32(sum0, sum1));                    \
  }

static inline QH_AVX512 __m512i avx512_squared_difference(__m512i x, __m512i y) {
  __m512i d = _mm512_sub_epi16(x, y);
  return _mm512_madd_epi16(d, d);
}
static inline QH_AVX512 __m512i avx512_product(__m512i x, __m512i y) {
  return _mm512_madd_epi16(x, y);
}
QH_AVX512_KERNEL(avx512_l2sq, avx512_squared_difference)
QH_AVX512_KERNEL(avx512_dot, avx512_product)

static inline QH_AVX2 uint32_t avx2_sum(__m256i v) {
  __m128i folded = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  folded = _mm_add_epi32(folded, _mm_shuffle_epi32(folded, 0x4E));
  folded = _mm_add_epi32(folded, _mm_shuffle_epi32(folded, 0xB1));
  return (uint32_t)_mm_cvtsi128_si32(folded);
}

// 16 codes a step; the tail (fewer than 16) goes through the scalar loop.
#define QH_AVX2_KERNEL(name, COMBINE, TAIL)                                                    \
  static QH_AVX2 uint32_t name(const uint8_t *a, const uint8_t *b, size_t dimension) {         \
    __m256i sum0 = _mm256_setzero_si256(), sum1 = sum0;                                        \
    size_t i = 0;                                                                              \
    for (; i + 32 <= dimension; i += 32) {                                                     \
      __m256i x0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + i)));            \
      __m256i y0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(b + i)));            \
      __m256i x1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + i + 16)));       \
      __m256i y1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(b + i + 16)));       \
      sum0 = _mm256_add_epi32(sum0, COMBINE(x0, y0));                                          \
      sum1 = _mm256_add_epi32(sum1, COMBINE(x1, y1));                                          \
    }                                                                                          \
    for (; i + 16 <= dimension; i += 16) {                                                     \
      __m256i x = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + i)));             \
      __m256i y = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(b + i)));             \
      sum0 = _mm256_add_epi32(sum0, COMBINE(x, y));                                            \
    }                                                                                          \
    return avx2_sum(_mm256_add_epi32(sum0, sum1)) + TAIL(a + i, b + i, dimension - i);         \
  }

static inline QH_AVX2 __m256i avx2_squared_difference(__m256i x, __m256i y) {
  __m256i d = _mm256_sub_epi16(x, y);
  return _mm256_madd_epi16(d, d);
}
static inline QH_AVX2 __m256i avx2_product(__m256i x, __m256i y) {
  return _mm256_madd_epi16(x, y);
}
QH_AVX2_KERNEL(avx2_l2sq, avx2_squared_difference, scalar_l2sq)
QH_AVX2_KERNEL(avx2_dot, avx2_product, scalar_dot)
#endif

#if defined(__aarch64__)
static uint32_t neon_l2sq(const uint8_t *a, const uint8_t *b, size_t dimension) {
  int32x4_t sum0 = vdupq_n_s32(0), sum1 = sum0;
  size_t i = 0;
  for (; i + 16 <= dimension; i += 16) {
    uint8x16_t x = vld1q_u8(a + i), y = vld1q_u8(b + i);
    int16x8_t low = vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(x), vget_low_u8(y)));
    int16x8_t high = vreinterpretq_s16_u16(vsubl_u8(vget_high_u8(x), vget_high_u8(y)));
    sum0 = vmlal_s16(sum0, vget_low_s16(low), vget_low_s16(low));
    sum1 = vmlal_s16(sum1, vget_high_s16(low), vget_high_s16(low));
    sum0 = vmlal_s16(sum0, vget_low_s16(high), vget_low_s16(high));
    sum1 = vmlal_s16(sum1, vget_high_s16(high), vget_high_s16(high));
  }
  return (uint32_t)vaddvq_s32(vaddq_s32(sum0, sum1)) + scalar_l2sq(a + i, b + i, dimension - i);
}

static uint32_t neon_dot(const uint8_t *a, const uint8_t *b, size_t dimension) {
  uint32x4_t sum = vdupq_n_u32(0);
  size_t i = 0;
  for (; i + 16 <= dimension; i += 16) {
    uint8x16_t x = vld1q_u8(a + i), y = vld1q_u8(b + i);
    sum = vpadalq_u16(sum, vmull_u8(vget_low_u8(x), vget_low_u8(y)));
    sum = vpadalq_u16(sum, vmull_u8(vget_high_u8(x), vget_high_u8(y)));
  }
  return vaddvq_u32(sum) + scalar_dot(a + i, b + i, dimension - i);
}
#endif

enum { QH_PATH_SCALAR = 0, QH_PATH_AVX2 = 1, QH_PATH_AVX512 = 2, QH_PATH_NEON = 3 };

static int path_supported(int path) {
  switch (path) {
  case QH_PATH_SCALAR: return 1;
#if defined(__x86_64__)
  case QH_PATH_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
  case QH_PATH_AVX512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#endif
#if defined(__aarch64__)
  case QH_PATH_NEON: return 1;
#endif
  default: return 0;
  }
}

static int best_path(void) {
  for (int path = QH_PATH_NEON; path > QH_PATH_SCALAR; path--)
    if (path_supported(path)) return path;
  return QH_PATH_SCALAR;
}

static int active_path = -1;  // set once; racing initialisers store the same value

static int current_path(void) {
  int path = __atomic_load_n(&active_path, __ATOMIC_RELAXED);
  if (path < 0) {
    path = best_path();
    __atomic_store_n(&active_path, path, __ATOMIC_RELAXED);
  }
  return path;
}

uint32_t qh_code_l2sq(const uint8_t *a, const uint8_t *b, size_t dimension) {
  switch (current_path()) {
#if defined(__x86_64__)
  case QH_PATH_AVX512: return avx512_l2sq(a, b, dimension);
  case QH_PATH_AVX2: return avx2_l2sq(a, b, dimension);
#endif
#if defined(__aarch64__)
  case QH_PATH_NEON: return neon_l2sq(a, b, dimension);
#endif
  default: return scalar_l2sq(a, b, dimension);
  }
}

uint32_t qh_code_dot(const uint8_t *a, const uint8_t *b, size_t dimension) {
  switch (current_path()) {
#if defined(__x86_64__)
  case QH_PATH_AVX512: return avx512_dot(a, b, dimension);
  case QH_PATH_AVX2: return avx2_dot(a, b, dimension);
#endif
#if defined(__aarch64__)
  case QH_PATH_NEON: return neon_dot(a, b, dimension);
#endif
  default: return scalar_dot(a, b, dimension);
  }
}

int qh_code_kernel_path(void) { return current_path(); }

int qh_code_force_kernel_path(int path) {
  if (!path_supported(path)) return -1;
  __atomic_store_n(&active_path, path, __ATOMIC_RELAXED);
  return 0;
}
