// The per-ISA function table behind the public entry points of quiver_kernels.h.
#ifndef QUIVER_KERNEL_TABLE_H
#define QUIVER_KERNEL_TABLE_H
#include "include/quiver_kernels.h"

typedef struct {
  float (*l2sq)(const float *, const float *, size_t);
  float (*dot)(const float *, const float *, size_t);
  float (*norm_sq)(const float *, size_t);
  float (*cosine)(const float *, const float *, size_t);
  void (*l2sq_batch)(const float *, const float *, size_t, size_t, float *);
  void (*dot_batch)(const float *, const float *, size_t, size_t, float *);
  void (*norm_sq_batch)(const float *, size_t, size_t, float *);
  void (*cosine_batch)(const float *, const float *, size_t, size_t, float *);
  void (*l2sq_block)(const float *, size_t, const float *, size_t, size_t, float *);
  void (*dot_block)(const float *, size_t, const float *, size_t, size_t, float *);
  void (*sq8_l2sq_batch)(const float *, const float *, const uint8_t *, size_t, size_t, float *);
  void (*sq8_weighted_sum_batch)(const float *, const uint8_t *, size_t, size_t, float *);
  void (*pq8_scan)(const float *, const uint8_t *, size_t, size_t, float *);
  void (*rabitq_scan)(const uint64_t *, size_t, size_t, size_t, const uint64_t *, size_t,
                      uint32_t *);
  void (*pq4_scan)(const float *, const uint8_t *, size_t, size_t, float *);
  void (*pq4_fast_scan)(const uint8_t *, const uint8_t *, size_t, size_t, const uint32_t *,
                        uint16_t *);
  void (*l2sq_f16_batch)(const float *, const uint16_t *, size_t, size_t, float *);
  void (*dot_f16_batch)(const float *, const uint16_t *, size_t, size_t, float *);
  void (*cosine_f16_batch)(const float *, const uint16_t *, size_t, size_t, float *);
} qk_kernel_table;

/// The table of one path whose kernels are named `prefix`_l2sq, `prefix`_dot, …; the PQ scans are
/// named by the caller, since several paths share the portable ones.
#define QK_KERNEL_TABLE(prefix, pq8, pq4, pq4_fast)                                              \
  {                                                                                              \
    .l2sq = prefix##_l2sq, .dot = prefix##_dot, .norm_sq = prefix##_norm_sq,                     \
    .cosine = prefix##_cosine, .l2sq_batch = prefix##_l2sq_batch,                                \
    .dot_batch = prefix##_dot_batch, .norm_sq_batch = prefix##_norm_sq_batch,                    \
    .cosine_batch = prefix##_cosine_batch, .l2sq_block = prefix##_l2sq_block,                    \
    .dot_block = prefix##_dot_block, .sq8_l2sq_batch = prefix##_sq8_l2sq_batch,                  \
    .sq8_weighted_sum_batch = prefix##_sq8_weighted_sum_batch, .pq8_scan = pq8, .pq4_scan = pq4, \
    .pq4_fast_scan = pq4_fast, .rabitq_scan = qk_##prefix##_rabitq_scan,                         \
    .l2sq_f16_batch = prefix##_l2sq_f16_batch,                                                   \
    .dot_f16_batch = prefix##_dot_f16_batch, .cosine_f16_batch = prefix##_cosine_f16_batch,      \
  }

/// One-to-many scans over more than this many bytes of points read one point at a time (one
/// linear stream the hardware prefetcher follows at full memory bandwidth); smaller, cache-resident
/// blocks interleave four points so each query load feeds four of them. Measured on Zen 4: four
/// interleaved rows stream from DRAM at half the bandwidth of one linear pass, but run ~20-35%
/// faster than one row at a time when the block sits in L2.
#define QK_STREAMING_BYTES ((size_t)1 << 20)
/// Below this dimension four interleaved rows are one nearly sequential stream anyway, and one
/// row at a time would pay a horizontal sum per few loads.
#define QK_STREAMING_MIN_DIM 64

/// One step of a four-point cosine pass with the path's fused multiply-add `FMADD(a, b, acc)`:
/// adds qv·xₖ to dₖ and xₖ·xₖ to nₖ (accumulators d0…d3, n0…n3 in the caller).
#define QK_COSINE4_STEP(FMADD, qv, x0, x1, x2, x3)                                             \
  do {                                                                                         \
    d0 = FMADD(qv, x0, d0);                                                                    \
    n0 = FMADD(x0, x0, n0);                                                                    \
    d1 = FMADD(qv, x1, d1);                                                                    \
    n1 = FMADD(x1, x1, n1);                                                                    \
    d2 = FMADD(qv, x2, d2);                                                                    \
    n2 = FMADD(x2, x2, n2);                                                                    \
    d3 = FMADD(qv, x3, d3);                                                                    \
    n3 = FMADD(x3, x3, n3);                                                                    \
  } while (0)

/// Portable C, always available: the reference every SIMD path must agree with.
extern const qk_kernel_table qk_scalar_table;
#if defined(__x86_64__)
/// AVX2 + FMA (kernels_avx2.c).
extern const qk_kernel_table qk_avx2_table;
/// AVX-512F (kernels_avx512.c).
extern const qk_kernel_table qk_avx512_table;
#endif
#if defined(__aarch64__)
/// Advanced SIMD (kernels_neon.c).
extern const qk_kernel_table qk_neon_table;
#endif

/// PQ scans unrolled over four rows with 64-bit code loads (kernels_pq.c); portable C that every
/// SIMD table uses, since table lookups gain little from vector registers here.
void qk_pq8_scan_unrolled(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                          float *out);
void qk_pq4_scan_unrolled(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                          float *out);

/// Fast-scan 4-bit PQ (kernels_pq4_fast_scan.c), one per path; all compute the same sums.
void qk_scalar_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                             const uint32_t *block_masks, uint16_t *out);
#if defined(__x86_64__)
void qk_avx2_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                           const uint32_t *block_masks, uint16_t *out);
void qk_avx512_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                             const uint32_t *block_masks, uint16_t *out);
#endif
#if defined(__aarch64__)
void qk_neon_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                           const uint32_t *block_masks, uint16_t *out);
#endif

/// RaBitQ bit-plane scans (kernels_rabitq.c), one per path; all compute the same sums.
void qk_scalar_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                           const uint64_t *query, size_t query_bits, uint32_t *out);
#if defined(__x86_64__)
void qk_avx2_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                         const uint64_t *query, size_t query_bits, uint32_t *out);
void qk_avx512_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                           const uint64_t *query, size_t query_bits, uint32_t *out);
#endif
#if defined(__aarch64__)
void qk_neon_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                         const uint64_t *query, size_t query_bits, uint32_t *out);
#endif

/// Cosine distance of a and b in double precision; the fallback for rows whose float sums
/// overflowed or went subnormal (kernels_scalar.c).
float qk_cosine_exact(const float *a, const float *b, size_t dim);

/// The float a half-precision bit pattern stands for (exact).
static inline float qk_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
  uint32_t bits;
  if (exponent == 0) {
    float magnitude = (float)mantissa * (1.0f / 16777216.0f);  // subnormal or zero: m · 2^-24
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1F) bits = sign | 0x7F800000u | (mantissa << 13);
  else bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  float f;
  __builtin_memcpy(&f, &bits, 4);
  return f;
}

/// Cosine distance of a float query and a half-precision point in double precision.
float qk_cosine_exact_f16(const float *q, const uint16_t *p, size_t dim);

/// qk_cosine_finish for a half-precision point.
static inline float qk_cosine_finish_f16(float dot, float q_norm_sq, float p_norm_sq,
                                         const float *q, const uint16_t *p, size_t dim) {
  if (!(q_norm_sq >= 1.1754944e-38f && q_norm_sq <= 3.4028235e38f) ||
      !(p_norm_sq >= 1.1754944e-38f && p_norm_sq <= 3.4028235e38f) ||
      !(dot >= -3.4028235e38f && dot <= 3.4028235e38f))
    return qk_cosine_exact_f16(q, p, dim);
  float d = 1.0f - dot / (__builtin_sqrtf(q_norm_sq) * __builtin_sqrtf(p_norm_sq));
  return d < 0.0f ? 0.0f : (d > 2.0f ? 2.0f : d);
}

/// The cosine distance from its float parts, falling back to qk_cosine_exact when a part is not
/// a normal finite float (zero, overflow, underflow, NaN) so that magnitude never decides the
/// answer and a vector of tiny but non-zero values is not mistaken for a zero vector.
static inline float qk_cosine_finish(float dot, float a_norm_sq, float b_norm_sq, const float *a,
                                     const float *b, size_t dim) {
  if (!(a_norm_sq >= 1.1754944e-38f && a_norm_sq <= 3.4028235e38f) ||
      !(b_norm_sq >= 1.1754944e-38f && b_norm_sq <= 3.4028235e38f) ||
      !(dot >= -3.4028235e38f && dot <= 3.4028235e38f))
    return qk_cosine_exact(a, b, dim);
  float d = 1.0f - dot / (__builtin_sqrtf(a_norm_sq) * __builtin_sqrtf(b_norm_sq));
  return d < 0.0f ? 0.0f : (d > 2.0f ? 2.0f : d);
}

#if defined(__x86_64__)
#include <emmintrin.h>
/// qk_cosine_finish for four points at once (SSE2, part of every x86-64 CPU): one vector square
/// root and divide instead of four scalar ones; lanes with an abnormal part take the scalar path.
/// Writes `valid` results to out; points are p0 + k·dim.
static inline void qk_cosine_finish4(__m128 dots, __m128 norms, float q_norm_sq, const float *q,
                                     const float *p0, size_t dim, size_t valid, float *out) {
  const __m128 smallest = _mm_set1_ps(1.1754944e-38f), largest = _mm_set1_ps(3.4028235e38f);
  __m128 ok = _mm_and_ps(_mm_cmpge_ps(norms, smallest), _mm_cmple_ps(norms, largest));
  ok = _mm_and_ps(ok, _mm_cmple_ps(_mm_andnot_ps(_mm_set1_ps(-0.0f), dots), largest));
  if (q_norm_sq >= 1.1754944e-38f && q_norm_sq <= 3.4028235e38f && _mm_movemask_ps(ok) == 0xF) {
    __m128 denominator = _mm_mul_ps(_mm_set1_ps(__builtin_sqrtf(q_norm_sq)), _mm_sqrt_ps(norms));
    __m128 d = _mm_sub_ps(_mm_set1_ps(1.0f), _mm_div_ps(dots, denominator));
    d = _mm_min_ps(_mm_max_ps(d, _mm_setzero_ps()), _mm_set1_ps(2.0f));
    if (valid == 4) {
      _mm_storeu_ps(out, d);
      return;
    }
    float lanes[4];
    _mm_storeu_ps(lanes, d);
    for (size_t k = 0; k < valid; k++) out[k] = lanes[k];
    return;
  }
  float dot_lanes[4], norm_lanes[4];
  _mm_storeu_ps(dot_lanes, dots);
  _mm_storeu_ps(norm_lanes, norms);
  for (size_t k = 0; k < valid; k++)
    out[k] = qk_cosine_finish(dot_lanes[k], q_norm_sq, norm_lanes[k], q, p0 + k * dim, dim);
}
#endif

#endif
