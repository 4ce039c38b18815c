// Advanced SIMD kernels (arm64, where NEON is always present). Four-lane registers, four
// independent accumulators, scalar tails; the block kernel runs the one-to-many scan for each
// query over L2-sized point tiles. Not measured on this project's (x86) machine; the tests run it
// on any arm64 machine through KernelISA.supported.
#if defined(__aarch64__)
#include "kernel_table.h"
#include <arm_neon.h>

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    float32x4_t d_ = vsubq_f32(x, y);                                                          \
    acc = vfmaq_f32(acc, d_, d_);                                                              \
  } while (0)
#define DOT_STEP(acc, x, y) acc = vfmaq_f32(acc, x, y)
#define L2_SCALAR(sum, x, y)                                                                   \
  do {                                                                                         \
    float d_ = (x) - (y);                                                                      \
    sum += d_ * d_;                                                                            \
  } while (0)
#define DOT_SCALAR(sum, x, y) sum += (x) * (y)

#define ONE_TO_ONE(name, STEP, SCALAR)                                                         \
  static float name(const float *a, const float *b, size_t dim) {                              \
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 16 <= dim; i += 16) {                                                           \
      STEP(s0, vld1q_f32(a + i), vld1q_f32(b + i));                                            \
      STEP(s1, vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));                                    \
      STEP(s2, vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));                                    \
      STEP(s3, vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));                                  \
    }                                                                                          \
    for (; i + 4 <= dim; i += 4) STEP(s0, vld1q_f32(a + i), vld1q_f32(b + i));                 \
    float sum = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));                   \
    for (; i < dim; i++) SCALAR(sum, a[i], b[i]);                                              \
    return sum;                                                                                \
  }

ONE_TO_ONE(neon_l2sq, L2_STEP, L2_SCALAR)
ONE_TO_ONE(neon_dot, DOT_STEP, DOT_SCALAR)

static float neon_norm_sq(const float *a, size_t dim) { return neon_dot(a, a, dim); }

static float neon_cosine(const float *a, const float *b, size_t dim) {
  float32x4_t d = vdupq_n_f32(0), na = d, nb = d;
  size_t i = 0;
  for (; i + 4 <= dim; i += 4) {
    float32x4_t x = vld1q_f32(a + i), y = vld1q_f32(b + i);
    d = vfmaq_f32(d, x, y);
    na = vfmaq_f32(na, x, x);
    nb = vfmaq_f32(nb, y, y);
  }
  float dot = vaddvq_f32(d), sa = vaddvq_f32(na), sb = vaddvq_f32(nb);
  for (; i < dim; i++) {
    dot += a[i] * b[i];
    sa += a[i] * a[i];
    sb += b[i] * b[i];
  }
  return qk_cosine_finish(dot, sa, sb, a, b, dim);
}

#define BATCH(name, STEP, SCALAR, one_to_one)                                                  \
  static void name(const float *q, const float *p, size_t n, size_t dim, float *out) {         \
    for (size_t j = 0; j < n; j += 4) {                                                        \
      if (n - j < 4) {                                                                         \
        for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                           \
        break;                                                                                 \
      }                                                                                        \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      float32x4_t s0 = vdupq_n_f32(0), s1 = s0, s2 = s0, s3 = s0;                              \
      size_t i = 0;                                                                            \
      for (; i + 4 <= dim; i += 4) {                                                           \
        float32x4_t qv = vld1q_f32(q + i);                                                     \
        STEP(s0, qv, vld1q_f32(p0 + i));                                                       \
        STEP(s1, qv, vld1q_f32(p1 + i));                                                       \
        STEP(s2, qv, vld1q_f32(p2 + i));                                                       \
        STEP(s3, qv, vld1q_f32(p3 + i));                                                       \
      }                                                                                        \
      float r[4] = {vaddvq_f32(s0), vaddvq_f32(s1), vaddvq_f32(s2), vaddvq_f32(s3)};           \
      for (; i < dim; i++) {                                                                   \
        SCALAR(r[0], q[i], p0[i]);                                                             \
        SCALAR(r[1], q[i], p1[i]);                                                             \
        SCALAR(r[2], q[i], p2[i]);                                                             \
        SCALAR(r[3], q[i], p3[i]);                                                             \
      }                                                                                        \
      for (size_t k = 0; k < 4; k++) out[j + k] = r[k];                                        \
    }                                                                                          \
  }

BATCH(neon_l2sq_batch, L2_STEP, L2_SCALAR, neon_l2sq)
BATCH(neon_dot_batch, DOT_STEP, DOT_SCALAR, neon_dot)

static void neon_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = neon_dot(p + j * dim, p + j * dim, dim);
}

static void neon_cosine_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  float q_norm_sq = neon_dot(q, q, dim);
  for (size_t j = 0; j < n; j++) {
    const float *x = p + j * dim;
    float32x4_t d = vdupq_n_f32(0), nx = d;
    size_t i = 0;
    for (; i + 4 <= dim; i += 4) {
      float32x4_t qv = vld1q_f32(q + i), xv = vld1q_f32(x + i);
      d = vfmaq_f32(d, qv, xv);
      nx = vfmaq_f32(nx, xv, xv);
    }
    float dot = vaddvq_f32(d), norm = vaddvq_f32(nx);
    for (; i < dim; i++) {
      dot += q[i] * x[i];
      norm += x[i] * x[i];
    }
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
