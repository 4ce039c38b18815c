// Runtime selection of the kernel table, and the public entry points that forward to it.
#include "kernel_table.h"

static const qk_kernel_table *table_for(qk_isa isa) {
  switch (isa) {
  case QK_ISA_SCALAR: return &qk_scalar_table;
  default: return 0;
  }
}

qk_isa qk_detected_isa(void) { return QK_ISA_SCALAR; }

static const qk_kernel_table *active_table = 0;
static qk_isa active_isa = QK_ISA_SCALAR;

static inline const qk_kernel_table *kernels(void) {
  const qk_kernel_table *t = __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
  if (t) return t;
  qk_isa isa = qk_detected_isa();
  t = table_for(isa);
  active_isa = isa;
  __atomic_store_n(&active_table, t, __ATOMIC_RELEASE);
  return t;
}

qk_isa qk_active_isa(void) {
  kernels();
  return active_isa;
}

int qk_force_isa(qk_isa isa) {
  const qk_kernel_table *t = table_for(isa);
  if (!t) return -1;
  if (isa != QK_ISA_SCALAR && (int)isa > (int)qk_detected_isa()) return -1;
  active_isa = isa;
  __atomic_store_n(&active_table, t, __ATOMIC_RELEASE);
  return 0;
}

float qk_l2sq_f32(const float *a, const float *b, size_t dim) { return kernels()->l2sq(a, b, dim); }
float qk_dot_f32(const float *a, const float *b, size_t dim) { return kernels()->dot(a, b, dim); }
float qk_norm_sq_f32(const float *a, size_t dim) { return kernels()->norm_sq(a, dim); }

void qk_l2sq_f32_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  kernels()->l2sq_batch(q, p, n, dim, out);
}
void qk_dot_f32_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  kernels()->dot_batch(q, p, n, dim, out);
}
void qk_norm_sq_f32_batch(const float *p, size_t n, size_t dim, float *out) {
  kernels()->norm_sq_batch(p, n, dim, out);
}
void qk_l2sq_f32_block(const float *qs, size_t nq, const float *ps, size_t np, size_t dim,
                       float *out) {
  kernels()->l2sq_block(qs, nq, ps, np, dim, out);
}
void qk_dot_f32_block(const float *qs, size_t nq, const float *ps, size_t np, size_t dim,
                      float *out) {
  kernels()->dot_block(qs, nq, ps, np, dim, out);
}
void qk_sq8_l2sq_batch(const float *qo, const float *scale, const uint8_t *codes, size_t n,
                       size_t dim, float *out) {
  kernels()->sq8_l2sq_batch(qo, scale, codes, n, dim, out);
}
void qk_sq8_weighted_sum_batch(const float *w, const uint8_t *codes, size_t n, size_t dim,
                               float *out) {
  kernels()->sq8_weighted_sum_batch(w, codes, n, dim, out);
}
void qk_pq8_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count, float *out) {
  kernels()->pq8_scan(lut, codes, n, m_count, out);
}
void qk_pq4_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count, float *out) {
  kernels()->pq4_scan(lut, codes, n, m_count, out);
}

void qk_pq_lut_f32(const float *q, const float *codebooks, size_t m_count, size_t ksub,
                   size_t dsub, int inner_product, float *lut) {
  const qk_kernel_table *t = kernels();
  for (size_t m = 0; m < m_count; m++) {
    const float *qm = q + m * dsub;
    const float *book = codebooks + m * ksub * dsub;
    float *row = lut + m * ksub;
    if (inner_product) {
      t->dot_batch(qm, book, ksub, dsub, row);
      for (size_t c = 0; c < ksub; c++) row[c] = -row[c];
    } else {
      t->l2sq_batch(qm, book, ksub, dsub, row);
    }
  }
}
