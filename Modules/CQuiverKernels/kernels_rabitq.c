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

/// The lanes of the eight words from `w` that lie inside a plane of `words` words.
static inline __mmask8 lane_mask(size_t words, size_t w) {
  return words - w >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << (words - w)) - 1u);
}

/// Sets `out` to the Horner sum over the query planes of `popcount(code & query bits)` per
/// 64-bit lane: the query's words from `w` under `mask`, each plane `words` words apart.
#define RABITQ_LANE_PLANE_SUM(popcount, code, query, words, w, mask, query_bits, out)             \
  do {                                                                                            \
    out = _mm512_setzero_si512();                                                                 \
    for (size_t j = 0; j < (query_bits); j++) {                                                   \
      __m512i lane_bits = _mm512_maskz_loadu_epi64(mask, (query) + j * (words) + (w));            \
      __m512i count = popcount(_mm512_and_si512(code, lane_bits));                                \
      out = _mm512_add_epi64(_mm512_slli_epi64(out, 1), count);                                   \
    }                                                                                             \
  } while (0)

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
      __mmask8 mask = lane_mask(words, w);
      __m512i chunk_total = _mm512_setzero_si512();
      for (size_t p = 0; p < planes; p++) {
        __m512i plane = _mm512_maskz_loadu_epi64(mask, row + p * words + w);
        __m512i plane_sum;
        RABITQ_LANE_PLANE_SUM(lane_popcount, plane, query, words, w, mask, query_bits,
                              plane_sum);
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

// ---- preparing a query -----------------------------------------------------------------------

/// Rounds v onto 2^bits levels between low and high into `integers`; returns the step.
static float quantize_levels(const float *v, size_t dim, float low, float high, size_t bits,
                             uint8_t *integers) {
  float top = (float)((1u << bits) - 1u);
  float step = high > low ? (high - low) / top : 0.0f;
  float inverse = step > 0 ? 1.0f / step : 0.0f;
  for (size_t i = 0; i < dim; i++) {
    float difference = v[i] - low;
    float level = __builtin_roundf(difference * inverse);
    level = level > 0 ? level : 0.0f;
    level = level < top ? level : top;
    integers[i] = (uint8_t)level;
  }
  return step;
}

/// Slices dimensions [first, dim) of `integers` into the (zeroed) planes, bit by bit.
static void slice_portable(const uint8_t *integers, size_t first, size_t dim, size_t words,
                           size_t bits, uint64_t *planes) {
  for (size_t i = first; i < dim; i++)
    for (size_t p = 0; p < bits; p++)
      if ((integers[i] >> (bits - 1 - p)) & 1u) planes[p * words + i / 64] |= 1ull << (i % 64);
}

#if defined(__x86_64__)
/// Thirty-two dimensions a step: each plane's bit is moved to the top of its byte and gathered
/// with one byte mask instruction.
static __attribute__((target("avx2"))) void slice_avx2(const uint8_t *integers, size_t dim,
                                                       size_t words, size_t bits,
                                                       uint64_t *planes) {
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    __m256i values = _mm256_loadu_si256((const __m256i *)(integers + i));
    for (size_t p = 0; p < bits; p++) {
      // Bit (bits − 1 − p) to bit 7 of each byte; bits carried in from the neighbouring byte
      // land below bit 7.
      __m256i moved = _mm256_sll_epi16(values, _mm_cvtsi32_si128((int)(7 - (bits - 1 - p))));
      uint32_t mask = (uint32_t)_mm256_movemask_epi8(moved);
      planes[p * words + i / 64] |= (uint64_t)mask << (i % 64);
    }
  }
  slice_portable(integers, i, dim, words, bits, planes);
}
#endif

/// Zeroes `planes` and slices `integers` into them on the active path.
static void slice(const uint8_t *integers, size_t dim, size_t words, size_t bits,
                  uint64_t *planes) {
  __builtin_memset(planes, 0, bits * words * sizeof(uint64_t));
#if defined(__x86_64__)
  qk_isa isa = qk_active_isa();
  if (isa == QK_ISA_AVX2 || isa == QK_ISA_AVX512) {
    slice_avx2(integers, dim, words, bits, planes);
    return;
  }
#endif
  slice_portable(integers, 0, dim, words, bits, planes);
}

void qk_rabitq_prepare_query(const float *vector, const float *centroid, size_t dim,
                             size_t words, size_t sign_bits, size_t full_bits, float *residual,
                             uint8_t *integers, uint64_t *sign_planes, uint64_t *full_planes,
                             qk_rabitq_query_summary *summary) {
  float low = __builtin_inff(), high = -__builtin_inff();
  double total = 0, squares = 0;
  for (size_t i = 0; i < dim; i++) {
    float x = centroid ? vector[i] - centroid[i] : vector[i];
    residual[i] = x;
    low = x < low ? x : low;
    high = x > high ? x : high;
    double wide = (double)x;
    double square = wide * wide;
    total += wide;
    squares += square;
  }
  summary->sum = (float)total;
  summary->norm_squared = (float)squares;
  summary->norm = (float)__builtin_sqrt(squares);
  summary->sign_low = low;
  summary->sign_step = quantize_levels(residual, dim, low, high, sign_bits, integers);
  slice(integers, dim, words, sign_bits, sign_planes);
  summary->full_low = low;
  summary->full_step = quantize_levels(residual, dim, low, high, full_bits, integers);
  slice(integers, dim, words, full_bits, full_planes);
}

// ---- estimating distances --------------------------------------------------------------------

/// Σ_j 2^(query_bits−1−j)·popcount(plane ∧ query_j) of one plane (Horner, as qk_rabitq_scan).
#define RABITQ_PLANE_SUM(popcount, plane, query, words, query_bits, out)                        \
  do {                                                                                          \
    uint32_t plane_sum_ = 0;                                                                    \
    for (size_t j_ = 0; j_ < (query_bits); j_++) {                                              \
      const uint64_t *bits_ = (query) + j_ * (words);                                           \
      uint32_t count_ = 0;                                                                      \
      for (size_t w_ = 0; w_ < (words); w_++) count_ += popcount((plane)[w_] & bits_[w_]);     \
      plane_sum_ = plane_sum_ * 2u + count_;                                                    \
    }                                                                                           \
    (out) = plane_sum_;                                                                         \
  } while (0)

/// The distance of a row from its scan sum `sum`, its rescale and code-sum factors and its
/// `‖o‖²` factor f[3], with the query integers' `step`, `low` and `offset` (the formula of
/// qk_rabitq_estimator, one rounding per operation).
static inline float estimate_distance(const qk_rabitq_estimator *e, float step, float low,
                                      float offset, uint32_t sum, float rescale,
                                      float code_sum, const float *f) {
  float product = step * (float)sum;
  float lows = low * code_sum;
  float inner = product + lows;
  inner = inner - offset;
  float estimate = rescale * inner;
  float base = e->base;
  if (e->add_norm) base = base + f[3];
  float scaled = e->scale * estimate;
  return base - scaled;
}

/// The sign-estimate distance of a row with scan sum `sum` and factors `f`.
static inline float sign_distance(const qk_rabitq_estimator *e, uint32_t sum, const float *f) {
  return estimate_distance(e, e->sign_step, e->sign_low, e->sign_offset, sum, f[0], f[1], f);
}

/// The full-code distance of a row with scan sum `sum` (sign plane and extra planes) and
/// factors `f`.
static inline float full_distance(const qk_rabitq_estimator *e, uint32_t sum, const float *f) {
  return estimate_distance(e, e->full_step, e->full_low, e->full_offset, sum, f[4], f[5], f);
}

/// The value compared with the threshold: the distance, less its bound when use_bound.
static inline float sign_test(const qk_rabitq_estimator *e, float distance, const float *f,
                              int use_bound) {
  if (!use_bound) return distance;
  float bound = e->bound_scale * f[2];
  return distance - bound;
}

/// Defines `name`, the selection over rows [first, n) one row at a time, appending after
/// `count`; the shape every path's tail shares.
#define RABITQ_SELECT_ROWS(name, attributes, popcount)                                          \
  static attributes size_t name(const uint64_t *codes, size_t first, size_t n, size_t words,    \
                                const uint64_t *query, size_t query_bits, const float *factors, \
                                size_t factor_count, const qk_rabitq_estimator *e,              \
                                float threshold, int use_bound, const uint32_t *row_masks,      \
                                uint32_t *rows, float *distances, size_t count) {               \
    for (size_t r = first; r < n; r++) {                                                        \
      if (row_masks && !((row_masks[r / 32] >> (r % 32)) & 1u)) continue;                       \
      uint32_t sum;                                                                             \
      RABITQ_PLANE_SUM(popcount, codes + r * words, query, words, query_bits, sum);             \
      const float *f = factors + r * factor_count;                                              \
      float distance = sign_distance(e, sum, f);                                                \
      if (sign_test(e, distance, f, use_bound) <= threshold) {                                  \
        rows[count] = (uint32_t)r;                                                              \
        distances[count] = distance;                                                            \
        count++;                                                                                \
      }                                                                                         \
    }                                                                                           \
    return count;                                                                               \
  }

/// Defines `name`, qk_rabitq_full_distances with word popcount `popcount`.
#define RABITQ_FULL_DISTANCES(name, attributes, popcount)                                       \
  static attributes void name(const uint64_t *sign_codes, const uint64_t *extra_codes,          \
                              size_t words, size_t bits, const uint64_t *query,                 \
                              size_t query_bits, const float *factors, size_t factor_count,     \
                              const qk_rabitq_estimator *e, const uint32_t *rows, size_t count, \
                              float *distances) {                                               \
    size_t extra_words = (bits - 1) * words;                                                    \
    for (size_t i = 0; i < count; i++) {                                                        \
      size_t r = rows[i];                                                                       \
      uint32_t total;                                                                           \
      RABITQ_PLANE_SUM(popcount, sign_codes + r * words, query, words, query_bits, total);      \
      for (size_t p = 0; p + 1 < bits; p++) {                                                   \
        uint32_t plane_sum;                                                                     \
        RABITQ_PLANE_SUM(popcount, extra_codes + r * extra_words + p * words, query, words,     \
                         query_bits, plane_sum);                                                \
        total = total * 2u + plane_sum;                                                         \
      }                                                                                         \
      distances[i] = full_distance(e, total, factors + r * factor_count);                       \
    }                                                                                           \
  }

RABITQ_SELECT_ROWS(scalar_select_rows, , portable_popcount)
RABITQ_FULL_DISTANCES(scalar_full_distances, , portable_popcount)

#if defined(__x86_64__)
#define QK_RQ_AVX2 __attribute__((target("avx2,popcnt")))

RABITQ_SELECT_ROWS(avx2_select_rows, QK_RQ_AVX2, __builtin_popcountll)
RABITQ_FULL_DISTANCES(avx2_full_distances, QK_RQ_AVX2, __builtin_popcountll)

/// Eight rows a step: the sums by scalar POPCNT, the estimate of the eight in one register
/// (factors gathered), the kept rows written in order from the comparison mask.
static QK_RQ_AVX2 size_t avx2_select(const uint64_t *codes, size_t n, size_t words,
                                     const uint64_t *query, size_t query_bits,
                                     const float *factors, size_t factor_count,
                                     const qk_rabitq_estimator *e, float threshold, int use_bound,
                                     const uint32_t *row_masks, uint32_t *rows,
                                     float *distances) {
  const __m256 sign_step = _mm256_set1_ps(e->sign_step), sign_low = _mm256_set1_ps(e->sign_low);
  const __m256 sign_offset = _mm256_set1_ps(e->sign_offset), base = _mm256_set1_ps(e->base);
  const __m256 scale = _mm256_set1_ps(e->scale), bound_scale = _mm256_set1_ps(e->bound_scale);
  const __m256 threshold_v = _mm256_set1_ps(threshold);
  const __m256i stride = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                            _mm256_set1_epi32((int)factor_count));
  size_t count = 0, r = 0;
  uint32_t sums[8];
  float lanes[8];
  for (; r + 8 <= n; r += 8) {
    unsigned allowed = row_masks ? (row_masks[r / 32] >> (r % 32)) & 0xFFu : 0xFFu;
    if (!allowed) continue;
    for (size_t k = 0; k < 8; k++)
      RABITQ_PLANE_SUM(__builtin_popcountll, codes + (r + k) * words, query, words, query_bits,
                       sums[k]);
    const float *f = factors + r * factor_count;
    // Sums stay below 2^31 (qk_rabitq_scan's bound), so the signed conversion is exact.
    __m256 sum = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)sums));
    __m256 product = _mm256_mul_ps(sign_step, sum);
    __m256 offset = _mm256_mul_ps(sign_low, _mm256_i32gather_ps(f + 1, stride, 4));
    __m256 inner = _mm256_sub_ps(_mm256_add_ps(product, offset), sign_offset);
    __m256 estimate = _mm256_mul_ps(_mm256_i32gather_ps(f, stride, 4), inner);
    __m256 row_base = e->add_norm ? _mm256_add_ps(base, _mm256_i32gather_ps(f + 3, stride, 4))
                                  : base;
    __m256 distance = _mm256_sub_ps(row_base, _mm256_mul_ps(scale, estimate));
    __m256 test = distance;
    if (use_bound)
      test = _mm256_sub_ps(distance,
                           _mm256_mul_ps(bound_scale, _mm256_i32gather_ps(f + 2, stride, 4)));
    unsigned keep = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(test, threshold_v, _CMP_LE_OQ));
    keep &= allowed;
    if (!keep) continue;
    _mm256_storeu_ps(lanes, distance);
    for (; keep; keep &= keep - 1) {
      unsigned k = (unsigned)__builtin_ctz(keep);
      rows[count] = (uint32_t)(r + k);
      distances[count] = lanes[k];
      count++;
    }
  }
  return avx2_select_rows(codes, r, n, words, query, query_bits, factors, factor_count, e,
                          threshold, use_bound, row_masks, rows, distances, count);
}

#define QK_RQ_VPOPCNT __attribute__((target("avx512f,avx512vpopcntdq,avx2,popcnt")))

/// Whether this CPU has the 64-bit lane population count (AVX-512 VPOPCNTDQ, not part of the
/// AVX-512F + BW the AVX-512 path requires).
static int has_lane_popcount(void) {
  static int known = -1;  // racing initialisers store the same value
  int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
  if (value < 0) {
    __builtin_cpu_init();
    value = __builtin_cpu_supports("avx512vpopcntdq") ? 1 : 0;
    __atomic_store_n(&known, value, __ATOMIC_RELAXED);
  }
  return value;
}

/// The sign sums of `rows` rows with VPOPCNTDQ: eight words of a row per register, the query
/// planes' Horner weights applied per lane and the lanes added at the end (the sums are linear
/// in the counts, so this equals RABITQ_PLANE_SUM).
static QK_RQ_VPOPCNT void lane_popcount_sums(const uint64_t *codes, size_t rows, size_t words,
                                             const uint64_t *query, size_t query_bits,
                                             uint32_t *sums) {
  for (size_t k = 0; k < rows; k++) {
    const uint64_t *row = codes + k * words;
    __m512i total = _mm512_setzero_si512();
    for (size_t w = 0; w < words; w += 8) {
      __mmask8 mask = lane_mask(words, w);
      __m512i plane = _mm512_maskz_loadu_epi64(mask, row + w);
      __m512i sum;
      RABITQ_LANE_PLANE_SUM(_mm512_popcnt_epi64, plane, query, words, w, mask, query_bits, sum);
      total = _mm512_add_epi64(total, sum);
    }
    sums[k] = (uint32_t)_mm512_reduce_add_epi64(total);
  }
}

/// qk_rabitq_full_distances with VPOPCNTDQ: per row, eight words of every plane per register,
/// Horner over the query planes and then the code planes per lane, the lanes added at the end.
static QK_RQ_VPOPCNT void lane_popcount_full_distances(
    const uint64_t *sign_codes, const uint64_t *extra_codes, size_t words, size_t bits,
    const uint64_t *query, size_t query_bits, const float *factors, size_t factor_count,
    const qk_rabitq_estimator *e, const uint32_t *rows, size_t count, float *distances) {
  size_t extra_words = (bits - 1) * words;
  for (size_t i = 0; i < count; i++) {
    size_t r = rows[i];
    __m512i total = _mm512_setzero_si512();
    for (size_t w = 0; w < words; w += 8) {
      __mmask8 mask = lane_mask(words, w);
      __m512i chunk = _mm512_setzero_si512();
      for (size_t p = 0; p < bits; p++) {
        const uint64_t *plane =
            p == 0 ? sign_codes + r * words : extra_codes + r * extra_words + (p - 1) * words;
        __m512i code = _mm512_maskz_loadu_epi64(mask, plane + w);
        __m512i plane_sum;
        RABITQ_LANE_PLANE_SUM(_mm512_popcnt_epi64, code, query, words, w, mask, query_bits,
                              plane_sum);
        chunk = _mm512_add_epi64(_mm512_slli_epi64(chunk, 1), plane_sum);
      }
      total = _mm512_add_epi64(total, chunk);
    }
    uint32_t sum = (uint32_t)_mm512_reduce_add_epi64(total);
    distances[i] = full_distance(e, sum, factors + r * factor_count);
  }
}

/// Sixteen rows a step: the sums by VPOPCNTDQ (or scalar POPCNT), the estimate of the sixteen
/// in one register (factors gathered), the kept rows compressed in registers and stored whole
/// (the store starts at `count` ≤ the step's first row, so it stays inside the n-entry outputs).
static __attribute__((target("avx512f,avx2,popcnt"))) size_t avx512_select(
    const uint64_t *codes, size_t n, size_t words, const uint64_t *query, size_t query_bits,
    const float *factors, size_t factor_count, const qk_rabitq_estimator *e, float threshold,
    int use_bound, const uint32_t *row_masks, uint32_t *rows, float *distances) {
  const __m512 sign_step = _mm512_set1_ps(e->sign_step), sign_low = _mm512_set1_ps(e->sign_low);
  const __m512 sign_offset = _mm512_set1_ps(e->sign_offset), base = _mm512_set1_ps(e->base);
  const __m512 scale = _mm512_set1_ps(e->scale), bound_scale = _mm512_set1_ps(e->bound_scale);
  const __m512 threshold_v = _mm512_set1_ps(threshold);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i stride = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)factor_count));
  size_t count = 0, r = 0;
  uint32_t sums[16];
  int lanes = has_lane_popcount();
  for (; r + 16 <= n; r += 16) {
    __mmask16 allowed = row_masks ? (__mmask16)(row_masks[r / 32] >> (r % 32)) : 0xFFFF;
    if (!allowed) continue;
    if (lanes)
      lane_popcount_sums(codes + r * words, 16, words, query, query_bits, sums);
    else
      for (size_t k = 0; k < 16; k++)
        RABITQ_PLANE_SUM(__builtin_popcountll, codes + (r + k) * words, query, words, query_bits,
                         sums[k]);
    const float *f = factors + r * factor_count;
    __m512 sum = _mm512_cvtepi32_ps(_mm512_loadu_si512(sums));
    __m512 product = _mm512_mul_ps(sign_step, sum);
    __m512 offset = _mm512_mul_ps(sign_low, _mm512_i32gather_ps(stride, f + 1, 4));
    __m512 inner = _mm512_sub_ps(_mm512_add_ps(product, offset), sign_offset);
    __m512 estimate = _mm512_mul_ps(_mm512_i32gather_ps(stride, f, 4), inner);
    __m512 row_base = e->add_norm ? _mm512_add_ps(base, _mm512_i32gather_ps(stride, f + 3, 4))
                                  : base;
    __m512 distance = _mm512_sub_ps(row_base, _mm512_mul_ps(scale, estimate));
    __m512 test = distance;
    if (use_bound)
      test = _mm512_sub_ps(distance,
                           _mm512_mul_ps(bound_scale, _mm512_i32gather_ps(stride, f + 2, 4)));
    __mmask16 keep = _mm512_cmp_ps_mask(test, threshold_v, _CMP_LE_OQ) & allowed;
    if (!keep) continue;
    __m512i index = _mm512_add_epi32(lane, _mm512_set1_epi32((int)r));
    _mm512_storeu_ps(distances + count, _mm512_maskz_compress_ps(keep, distance));
    _mm512_storeu_si512((void *)(rows + count), _mm512_maskz_compress_epi32(keep, index));
    count += (size_t)__builtin_popcount(keep);
  }
  return avx2_select_rows(codes, r, n, words, query, query_bits, factors, factor_count, e,
                          threshold, use_bound, row_masks, rows, distances, count);
}
#endif

size_t qk_rabitq_select(const uint64_t *sign_codes, size_t n, size_t words,
                        const uint64_t *query_planes, size_t query_bits, const float *factors,
                        size_t factor_count, const qk_rabitq_estimator *estimator,
                        float threshold, int use_bound, const uint32_t *row_masks,
                        uint32_t *rows, float *distances) {
#if defined(__x86_64__)
  switch (qk_active_isa()) {
  case QK_ISA_AVX512:
    return avx512_select(sign_codes, n, words, query_planes, query_bits, factors, factor_count,
                         estimator, threshold, use_bound, row_masks, rows, distances);
  case QK_ISA_AVX2:
    return avx2_select(sign_codes, n, words, query_planes, query_bits, factors, factor_count,
                       estimator, threshold, use_bound, row_masks, rows, distances);
  default: break;
  }
#endif
  return scalar_select_rows(sign_codes, 0, n, words, query_planes, query_bits, factors,
                            factor_count, estimator, threshold, use_bound, row_masks, rows,
                            distances, 0);
}

void qk_rabitq_full_distances(const uint64_t *sign_codes, const uint64_t *extra_codes,
                              size_t words, size_t bits, const uint64_t *query_planes,
                              size_t query_bits, const float *factors, size_t factor_count,
                              const qk_rabitq_estimator *estimator, const uint32_t *rows,
                              size_t count, float *distances) {
#if defined(__x86_64__)
  qk_isa isa = qk_active_isa();
  if (isa == QK_ISA_AVX512 && has_lane_popcount()) {
    lane_popcount_full_distances(sign_codes, extra_codes, words, bits, query_planes, query_bits,
                                 factors, factor_count, estimator, rows, count, distances);
    return;
  }
  if (isa == QK_ISA_AVX2 || isa == QK_ISA_AVX512) {
    avx2_full_distances(sign_codes, extra_codes, words, bits, query_planes, query_bits, factors,
                        factor_count, estimator, rows, count, distances);
    return;
  }
#endif
  scalar_full_distances(sign_codes, extra_codes, words, bits, query_planes, query_bits, factors,
                        factor_count, estimator, rows, count, distances);
}
