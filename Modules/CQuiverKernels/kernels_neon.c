// Advanced SIMD kernels (arm64, where NEON is always present). Four-lane registers; the block
// kernel runs the one-to-many scan for each query over L2-sized point tiles. Not measured on this
// project's (x86) machine; the tests run it on any arm64 machine through KernelISA.supported.
//
// Summation order: every float32 distance of this path is summed the same way whatever the row's
// position in a call (alone, inside a group of four, a leftover row, a query of the block), so a
// (query, row) pair always gives the same bits. The dimension is cut into chunks of 4 floats (the
// last one zero-padded), chunk k is added into accumulator k mod 4 with one fused multiply-add
// per lane, and the result is vaddvq((acc₀ + acc₁) + (acc₂ + acc₃)).
#if defined(__aarch64__)
#include "kernel_table.h"
#include <arm_neon.h>

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    float32x4_t d_ = vsubq_f32(x, y);                                                          \
    acc = vfmaq_f32(acc, d_, d_);                                                              \
  } while (0)
#define DOT_STEP(acc, x, y) acc = vfmaq_f32(acc, x, y)

/// The `count` (< 4) floats at x followed by zeros.
static inline float32x4_t load_part(const float *x, size_t count) {
  float lanes[4] = {0, 0, 0, 0};
  for (size_t k = 0; k < count; k++) lanes[k] = x[k];
  return vld1q_f32(lanes);
}

/// The path's final sum of four accumulators.
static inline float reduce4(float32x4_t s0, float32x4_t s1, float32x4_t s2, float32x4_t s3) {
  return vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
}

/// Applies STEP to the chunks of the last partial group (after i, a multiple of 16): whole chunks
/// into acc0, acc1, acc2 in turn, the final partial chunk zero-padded into the next one.
#define LEFTOVER(STEP, acc, LOADS, i, dim)                                                     \
  do {                                                                                         \
    size_t k_ = 0;                                                                             \
    for (size_t c_ = i; c_ < dim; c_ += 4, k_++) {                                             \
      size_t count_ = dim - c_ < 4 ? dim - c_ : 4;                                             \
      if (k_ == 0) LOADS(STEP, acc##0, c_, count_);                                            \
      else if (k_ == 1) LOADS(STEP, acc##1, c_, count_);                                       \
      else if (k_ == 2) LOADS(STEP, acc##2, c_, count_);                                       \
      else LOADS(STEP, acc##3, c_, count_);                                                    \
    }                                                                                          \
  } while (0)

/// STEP of the chunk at c (`count` floats) of a and b into acc.
#define PAIR_LOADS(STEP, acc, c, count)                                                        \
  STEP(acc, count == 4 ? vld1q_f32(a + (c)) : load_part(a + (c), count),                      \
       count == 4 ? vld1q_f32(b + (c)) : load_part(b + (c), count))

#define ONE_TO_ONE(name, STEP)                                                                 \
  static float name(const float *a, const float *b, size_t dim) {                              \
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 16 <= dim; i += 16) {                                                           \
      STEP(s0, vld1q_f32(a + i), vld1q_f32(b + i));                                            \
      STEP(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));                                    \
      STEP(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));                                    \
      STEP(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));                                  \
    }                                                                                          \
    LEFTOVER(STEP, s, PAIR_LOADS, i, dim);                                                     \
    return reduce4(s0, s1, s2, s3);                                                            \
  }

ONE_TO_ONE(neon_l2sq, L2_STEP)
ONE_TO_ONE(neon_dot, DOT_STEP)

static float neon_norm_sq(const float *a, size_t dim) { return neon_dot(a, a, dim); }

/// The dot product and the squared norm of x (`count` floats at c) added into d and n; q·x with
/// the query q.
#define COSINE_LOADS(STEP, acc, c, count)                                                      \
  do {                                                                                         \
    float32x4_t x_ = count == 4 ? vld1q_f32(x + (c)) : load_part(x + (c), count);              \
    float32x4_t q_ = count == 4 ? vld1q_f32(q + (c)) : load_part(q + (c), count);              \
    STEP(acc, q_, x_);                                                                         \
  } while (0)
#define COSINE_STEP(acc, qv, xv)                                                               \
  do {                                                                                         \
    d##acc = vfmaq_f32(d##acc, qv, xv);                                                        \
    n##acc = vfmaq_f32(n##acc, xv, xv);                                                        \
  } while (0)

/// q·x and ‖x‖² in one pass, each in the path's order.
static inline void cosine_sums(const float *q, const float *x, size_t dim, float *dot,
                               float *norm) {
  float32x4_t d0 = vdupq_n_f32(0), d1 = d0, d2 = d0, d3 = d0, n0 = d0, n1 = d0, n2 = d0, n3 = d0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    COSINE_STEP(0, vld1q_f32(q + i), vld1q_f32(x + i));
    COSINE_STEP(1, vld1q_f32(q + i + 4), vld1q_f32(x + i + 4));
    COSINE_STEP(2, vld1q_f32(q + i + 8), vld1q_f32(x + i + 8));
    COSINE_STEP(3, vld1q_f32(q + i + 12), vld1q_f32(x + i + 12));
  }
  size_t k = 0;
  for (size_t c = i; c < dim; c += 4, k++) {
    size_t count = dim - c < 4 ? dim - c : 4;
    if (k == 0) COSINE_LOADS(COSINE_STEP, 0, c, count);
    else if (k == 1) COSINE_LOADS(COSINE_STEP, 1, c, count);
    else if (k == 2) COSINE_LOADS(COSINE_STEP, 2, c, count);
    else COSINE_LOADS(COSINE_STEP, 3, c, count);
  }
  *dot = reduce4(d0, d1, d2, d3);
  *norm = reduce4(n0, n1, n2, n3);
}

static float neon_cosine(const float *a, const float *b, size_t dim) {
  float dot, na, nb;
  cosine_sums(a, b, dim, &dot, &nb);
  na = neon_dot(a, a, dim);
  return qk_cosine_finish(dot, na, nb, a, b, dim);
}

/// STEP of the chunk at c (`count` floats) of the query and the four points into acc0..acc3.
#define BATCH_LOADS(STEP, acc, c, count)                                                       \
  do {                                                                                         \
    if (count == 4) {                                                                          \
      float32x4_t qv = vld1q_f32(q + (c));                                                     \
      STEP(acc##0, qv, vld1q_f32(p0 + (c)));                                                   \
      STEP(acc##1, qv, vld1q_f32(p1 + (c)));                                                   \
      STEP(acc##2, qv, vld1q_f32(p2 + (c)));                                                   \
      STEP(acc##3, qv, vld1q_f32(p3 + (c)));                                                   \
    } else {                                                                                   \
      float32x4_t qv = load_part(q + (c), count);                                              \
      STEP(acc##0, qv, load_part(p0 + (c), count));                                            \
      STEP(acc##1, qv, load_part(p1 + (c), count));                                            \
      STEP(acc##2, qv, load_part(p2 + (c), count));                                            \
      STEP(acc##3, qv, load_part(p3 + (c), count));                                            \
    }                                                                                          \
  } while (0)

/// Four points at once, four accumulators each (a, b, c, e: accumulators 0-3, suffix: the
/// point), in the order of ONE_TO_ONE.
#define BATCH(name, STEP, one_to_one)                                                          \
  static void name(const float *q, const float *p, size_t n, size_t dim, float *out) {         \
    size_t j = 0;                                                                              \
    for (; j + 4 <= n; j += 4) {                                                               \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      float32x4_t z = vdupq_n_f32(0);                                                          \
      float32x4_t a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;              \
      float32x4_t c0 = z, c1 = z, c2 = z, c3 = z, e0 = z, e1 = z, e2 = z, e3 = z;              \
      size_t i = 0;                                                                            \
      for (; i + 16 <= dim; i += 16) {                                                         \
        BATCH_LOADS(STEP, a, i, 4);                                                            \
        BATCH_LOADS(STEP, b, i + 4, 4);                                                        \
        BATCH_LOADS(STEP, c, i + 8, 4);                                                        \
        BATCH_LOADS(STEP, e, i + 12, 4);                                                       \
      }                                                                                        \
      size_t k = 0;                                                                            \
      for (size_t at = i; at < dim; at += 4, k++) {                                            \
        size_t count = dim - at < 4 ? dim - at : 4;                                            \
        if (k == 0) BATCH_LOADS(STEP, a, at, count);                                           \
        else if (k == 1) BATCH_LOADS(STEP, b, at, count);                                      \
        else if (k == 2) BATCH_LOADS(STEP, c, at, count);                                      \
        else BATCH_LOADS(STEP, e, at, count);                                                  \
      }                                                                                        \
      out[j] = reduce4(a0, b0, c0, e0);                                                        \
      out[j + 1] = reduce4(a1, b1, c1, e1);                                                    \
      out[j + 2] = reduce4(a2, b2, c2, e2);                                                    \
      out[j + 3] = reduce4(a3, b3, c3, e3);                                                    \
    }                                                                                          \
    for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                               \
  }

BATCH(neon_l2sq_batch, L2_STEP, neon_l2sq)
BATCH(neon_dot_batch, DOT_STEP, neon_dot)

static void neon_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = neon_dot(p + j * dim, p + j * dim, dim);
}

static void neon_cosine_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  float q_norm_sq = neon_dot(q, q, dim);
  for (size_t j = 0; j < n; j++) {
    const float *x = p + j * dim;
    float dot, norm;
    cosine_sums(q, x, dim, &dot, &norm);
    out[j] = qk_cosine_finish(dot, q_norm_sq, norm, q, x, dim);
  }
}

/// Points per cache tile: about 256 KiB of points.
static inline size_t points_per_tile(size_t dim) {
  size_t t = (256 * 1024) / (dim * sizeof(float));
  return t < 4 ? 4 : t;
}

#define BLOCK(name, batch)                                                                     \
  static void name(const float *qs, size_t nq, const float *ps, size_t np, size_t dim,         \
                   float *out) {                                                               \
    size_t span = points_per_tile(dim);                                                        \
    for (size_t pb = 0; pb < np; pb += span) {                                                 \
      size_t count = np - pb < span ? np - pb : span;                                          \
      for (size_t a = 0; a < nq; a++)                                                          \
        batch(qs + a * dim, ps + pb * dim, count, dim, out + a * np + pb);                     \
    }                                                                                          \
  }

BLOCK(neon_l2sq_block, neon_l2sq_batch)
BLOCK(neon_dot_block, neon_dot_batch)

/// Eight codes widened to two float vectors.
static inline void load_codes8(const uint8_t *c, float32x4_t *lo, float32x4_t *hi) {
  uint16x8_t wide = vmovl_u8(vld1_u8(c));
  *lo = vcvtq_f32_u32(vmovl_u16(vget_low_u16(wide)));
  *hi = vcvtq_f32_u32(vmovl_u16(vget_high_u16(wide)));
}

static void neon_sq8_l2sq_batch(const float *qo, const float *scale, const uint8_t *codes,
                                size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * dim;
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      float32x4_t lo, hi;
      load_codes8(c + i, &lo, &hi);
      float32x4_t d0 = vfmsq_f32(vld1q_f32(qo + i), vld1q_f32(scale + i), lo);
      float32x4_t d1 = vfmsq_f32(vld1q_f32(qo + i + 4), vld1q_f32(scale + i + 4), hi);
      s0 = vfmaq_f32(s0, d0, d0);
      s1 = vfmaq_f32(s1, d1, d1);
    }
    float sum = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < dim; i++) {
      float d = qo[i] - scale[i] * (float)c[i];
      sum += d * d;
    }
    out[j] = sum;
  }
}

static void neon_sq8_weighted_sum_batch(const float *w, const uint8_t *codes, size_t n,
                                        size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * dim;
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      float32x4_t lo, hi;
      load_codes8(c + i, &lo, &hi);
      s0 = vfmaq_f32(s0, vld1q_f32(w + i), lo);
      s1 = vfmaq_f32(s1, vld1q_f32(w + i + 4), hi);
    }
    float sum = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < dim; i++) sum += w[i] * (float)c[i];
    out[j] = sum;
  }
}

// ---- half-precision points: one point at a time ------------------------------------------

/// Four halves widened to floats (FCVTL, part of base AArch64).
static inline float32x4_t load_halves4(const uint16_t *x) {
  return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(x)));
}

static void neon_l2sq_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint16_t *x = p + j * dim;
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      float32x4_t d0 = vsubq_f32(vld1q_f32(q + i), load_halves4(x + i));
      float32x4_t d1 = vsubq_f32(vld1q_f32(q + i + 4), load_halves4(x + i + 4));
      s0 = vfmaq_f32(s0, d0, d0);
      s1 = vfmaq_f32(s1, d1, d1);
    }
    float sum = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < dim; i++) {
      float d = q[i] - qk_half_to_float(x[i]);
      sum += d * d;
    }
    out[j] = sum;
  }
}

static void neon_dot_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                               float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint16_t *x = p + j * dim;
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      s0 = vfmaq_f32(s0, vld1q_f32(q + i), load_halves4(x + i));
      s1 = vfmaq_f32(s1, vld1q_f32(q + i + 4), load_halves4(x + i + 4));
    }
    float sum = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < dim; i++) sum += q[i] * qk_half_to_float(x[i]);
    out[j] = sum;
  }
}

static void neon_cosine_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                  float *out) {
  float q_norm_sq = neon_dot(q, q, dim);
  for (size_t j = 0; j < n; j++) {
    const uint16_t *x = p + j * dim;
    float32x4_t d = vdupq_n_f32(0), nx = d;
    size_t i = 0;
    for (; i + 4 <= dim; i += 4) {
      float32x4_t xv = load_halves4(x + i);
      d = vfmaq_f32(d, vld1q_f32(q + i), xv);
      nx = vfmaq_f32(nx, xv, xv);
    }
    float dot = vaddvq_f32(d), norm = vaddvq_f32(nx);
    for (; i < dim; i++) {
      float v = qk_half_to_float(x[i]);
      dot += q[i] * v;
      norm += v * v;
    }
    out[j] = qk_cosine_finish_f16(dot, q_norm_sq, norm, q, x, dim);
  }
}

const qk_kernel_table qk_neon_table =
    QK_KERNEL_TABLE(neon, qk_pq8_scan_unrolled, qk_pq4_scan_unrolled, qk_neon_pq4_fast_scan);
#endif
