// Portable kernels: the reference every SIMD path must agree with, and the fallback.
#include "kernel_table.h"

static float scalar_l2sq(const float *a, const float *b, size_t dim) {
  float sum = 0;
  for (size_t i = 0; i < dim; i++) {
    float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

static float scalar_dot(const float *a, const float *b, size_t dim) {
  float sum = 0;
  for (size_t i = 0; i < dim; i++) sum += a[i] * b[i];
  return sum;
}

static float scalar_norm_sq(const float *a, size_t dim) { return scalar_dot(a, a, dim); }

float qk_cosine_exact(const float *a, const float *b, size_t dim) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < dim; i++) {
    dot += (double)a[i] * (double)b[i];
    na += (double)a[i] * (double)a[i];
    nb += (double)b[i] * (double)b[i];
  }
  if (na == 0.0 || nb == 0.0) return 1.0f;
  double d = 1.0 - dot / (__builtin_sqrt(na) * __builtin_sqrt(nb));
  return (float)(d < 0.0 ? 0.0 : (d > 2.0 ? 2.0 : d));
}

static float scalar_cosine(const float *a, const float *b, size_t dim) {
  float dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < dim; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return qk_cosine_finish(dot, na, nb, a, b, dim);
}

static void scalar_l2sq_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = scalar_l2sq(q, p + j * dim, dim);
}

static void scalar_dot_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = scalar_dot(q, p + j * dim, dim);
}

static void scalar_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = scalar_norm_sq(p + j * dim, dim);
}

static void scalar_cosine_batch(const float *q, const float *p, size_t n, size_t dim,
                                float *out) {
  for (size_t j = 0; j < n; j++) out[j] = scalar_cosine(q, p + j * dim, dim);
}

static void scalar_l2sq_block(const float *qs, size_t nq, const float *ps, size_t np, size_t dim,
                              float *out) {
  for (size_t a = 0; a < nq; a++) scalar_l2sq_batch(qs + a * dim, ps, np, dim, out + a * np);
}

static void scalar_dot_block(const float *qs, size_t nq, const float *ps, size_t np, size_t dim,
                             float *out) {
  for (size_t a = 0; a < nq; a++) scalar_dot_batch(qs + a * dim, ps, np, dim, out + a * np);
}

static void scalar_sq8_l2sq_batch(const float *qo, const float *scale, const uint8_t *codes,
                                  size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * dim;
    float sum = 0;
    for (size_t i = 0; i < dim; i++) {
      float d = qo[i] - scale[i] * (float)c[i];
      sum += d * d;
    }
    out[j] = sum;
  }
}

static void scalar_sq8_weighted_sum_batch(const float *w, const uint8_t *codes, size_t n,
                                          size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * dim;
    float sum = 0;
    for (size_t i = 0; i < dim; i++) sum += w[i] * (float)c[i];
    out[j] = sum;
  }
}

static void scalar_pq8_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                            float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * m_count;
    float sum = 0;
    for (size_t m = 0; m < m_count; m++) sum += lut[m * 256 + c[m]];
    out[j] = sum;
  }
}

static void scalar_pq4_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                            float *out) {
  size_t row = (m_count + 1) / 2;
  for (size_t j = 0; j < n; j++) {
    const uint8_t *c = codes + j * row;
    float sum = 0;
    for (size_t m = 0; m < m_count; m++) {
      uint8_t byte = c[m / 2];
      uint8_t code = (m & 1) ? (byte >> 4) : (byte & 0x0F);
      sum += lut[m * 16 + code];
    }
    out[j] = sum;
  }
}

float qk_cosine_exact_f16(const float *q, const uint16_t *p, size_t dim) {
  double dot = 0, nq = 0, np = 0;
  for (size_t i = 0; i < dim; i++) {
    double x = (double)q[i], y = (double)qk_half_to_float(p[i]);
    dot += x * y;
    nq += x * x;
    np += y * y;
  }
  if (nq == 0.0 || np == 0.0) return 1.0f;
  double d = 1.0 - dot / (__builtin_sqrt(nq) * __builtin_sqrt(np));
  return (float)(d < 0.0 ? 0.0 : (d > 2.0 ? 2.0 : d));
}

static void scalar_l2sq_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                  float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint16_t *row = p + j * dim;
    float sum = 0;
    for (size_t i = 0; i < dim; i++) {
      float d = q[i] - qk_half_to_float(row[i]);
      sum += d * d;
    }
    out[j] = sum;
  }
}

static void scalar_dot_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                 float *out) {
  for (size_t j = 0; j < n; j++) {
    const uint16_t *row = p + j * dim;
    float sum = 0;
    for (size_t i = 0; i < dim; i++) sum += q[i] * qk_half_to_float(row[i]);
    out[j] = sum;
  }
}

static void scalar_cosine_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                    float *out) {
  float q_norm_sq = scalar_norm_sq(q, dim);
  for (size_t j = 0; j < n; j++) {
    const uint16_t *row = p + j * dim;
    float dot = 0, norm = 0;
    for (size_t i = 0; i < dim; i++) {
      float x = qk_half_to_float(row[i]);
      dot += q[i] * x;
      norm += x * x;
    }
    out[j] = qk_cosine_finish_f16(dot, q_norm_sq, norm, q, row, dim);
  }
}

const qk_kernel_table qk_scalar_table =
    QK_KERNEL_TABLE(scalar, scalar_pq8_scan, scalar_pq4_scan, qk_scalar_pq4_fast_scan);
