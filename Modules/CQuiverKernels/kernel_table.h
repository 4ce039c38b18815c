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
  void (*pq4_scan)(const float *, const uint8_t *, size_t, size_t, float *);
} qk_kernel_table;

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

/// Cosine distance of a and b in double precision; the fallback for rows whose float sums
/// overflowed or went subnormal (kernels_scalar.c).
float qk_cosine_exact(const float *a, const float *b, size_t dim);

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

#endif
