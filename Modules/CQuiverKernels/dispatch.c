// Runtime selection of the kernel table, and the public entry points that forward to it.
//
// The detected ISA is computed once (CPU features do not change while a process runs); the
// active table is an atomic pointer, so a kernel call costs one relaxed load and an indirect call.
#include "kernel_table.h"
#include <stdlib.h>
#include <string.h>

static const qk_kernel_table *table_for(qk_isa isa) {
  switch (isa) {
  case QK_ISA_SCALAR: return &qk_scalar_table;
#if defined(__x86_64__)
  case QK_ISA_AVX2: return &qk_avx2_table;
  case QK_ISA_AVX512: return &qk_avx512_table;
#endif
#if defined(__aarch64__)
  case QK_ISA_NEON: return &qk_neon_table;
#endif
  default: return 0;
  }
}

static qk_isa detect(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  // The runtime's feature check also confirms the OS saves the wide register state (XCR0).
  // AVX-512BW joins F for the byte shuffles of the 4-bit fast scan (every AVX-512 CPU since
  // Skylake-SP has both).
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
    return QK_ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c"))
    return QK_ISA_AVX2;
  return QK_ISA_SCALAR;
#elif defined(__aarch64__)
  return QK_ISA_NEON;  // Advanced SIMD is mandatory on arm64.
#else
  return QK_ISA_SCALAR;
#endif
}

static int detected_isa = -1;  // qk_isa once computed; racing initialisers store the same value

qk_isa qk_detected_isa(void) {
  int isa = __atomic_load_n(&detected_isa, __ATOMIC_RELAXED);
  if (isa < 0) {
    isa = (int)detect();
    __atomic_store_n(&detected_isa, isa, __ATOMIC_RELAXED);
  }
  return (qk_isa)isa;
}

/// Whether this CPU can run `isa` (and this build contains it).
static int isa_supported(qk_isa isa) {
  if (!table_for(isa)) return 0;
  qk_isa best = qk_detected_isa();
  switch (isa) {
  case QK_ISA_SCALAR: return 1;
  case QK_ISA_AVX2: return best == QK_ISA_AVX2 || best == QK_ISA_AVX512;
  case QK_ISA_AVX512: return best == QK_ISA_AVX512;
  case QK_ISA_NEON: return best == QK_ISA_NEON;
  default: return 0;
  }
}

static const qk_kernel_table *active_table = 0;
static int active_isa = QK_ISA_SCALAR;

/// The path named by the environment variable QUIVER_KERNEL_ISA (scalar, avx2, avx512, neon) if
/// this CPU supports it, else the detected one: lets a whole test run or benchmark use one path.
static qk_isa initial_isa(void) {
  const char *name = getenv("QUIVER_KERNEL_ISA");
  if (name) {
    static const char *const names[] = {"scalar", "avx2", "avx512", "neon"};
    for (int isa = QK_ISA_SCALAR; isa <= QK_ISA_NEON; isa++)
      if (strcmp(name, names[isa]) == 0 && isa_supported((qk_isa)isa)) return (qk_isa)isa;
  }
  return qk_detected_isa();
}

/// The path qk_force_isa_on_this_thread chose for the calling thread (0: the process-wide one).
/// Initial-exec TLS: one segment-relative load, no call, on every kernel entry.
static __thread const qk_kernel_table *thread_table __attribute__((tls_model("initial-exec")));
static __thread int thread_isa __attribute__((tls_model("initial-exec")));

static inline const qk_kernel_table *kernels(void) {
  const qk_kernel_table *t = thread_table;
  if (__builtin_expect(t != 0, 0)) return t;
  t = __atomic_load_n(&active_table, __ATOMIC_ACQUIRE);
  if (__builtin_expect(t != 0, 1)) return t;
  qk_isa isa = initial_isa();
  t = table_for(isa);
  // First use: install the detected table unless qk_force_isa got there first.
  const qk_kernel_table *expected = 0;
  if (!__atomic_compare_exchange_n(&active_table, &expected, t, 0, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE))
    return expected;
  __atomic_store_n(&active_isa, (int)isa, __ATOMIC_RELAXED);
  return t;
}

qk_isa qk_active_isa(void) {
  if (thread_table) return (qk_isa)thread_isa;
  kernels();
  return (qk_isa)__atomic_load_n(&active_isa, __ATOMIC_RELAXED);
}

int qk_force_isa(qk_isa isa) {
  if (!isa_supported(isa)) return -1;
  kernels();
  __atomic_store_n(&active_isa, (int)isa, __ATOMIC_RELAXED);
  __atomic_store_n(&active_table, table_for(isa), __ATOMIC_RELEASE);
  return 0;
}

int qk_force_isa_on_this_thread(int isa) {
  if (isa < 0) {
    thread_table = 0;
    return 0;
  }
  if (!isa_supported((qk_isa)isa)) return -1;
  thread_isa = isa;
  thread_table = table_for((qk_isa)isa);
  return 0;
}

float qk_l2sq_f32(const float *a, const float *b, size_t dim) { return kernels()->l2sq(a, b, dim); }
float qk_dot_f32(const float *a, const float *b, size_t dim) { return kernels()->dot(a, b, dim); }
float qk_norm_sq_f32(const float *a, size_t dim) { return kernels()->norm_sq(a, dim); }
float qk_cosine_distance_f32(const float *a, const float *b, size_t dim) {
  return kernels()->cosine(a, b, dim);
}

void qk_l2sq_f32_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  kernels()->l2sq_batch(q, p, n, dim, out);
}
void qk_dot_f32_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  kernels()->dot_batch(q, p, n, dim, out);
}
void qk_norm_sq_f32_batch(const float *p, size_t n, size_t dim, float *out) {
  kernels()->norm_sq_batch(p, n, dim, out);
}
void qk_cosine_f32_batch(const float *q, const float *p, size_t n, size_t dim, float *out) {
  kernels()->cosine_batch(q, p, n, dim, out);
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
void qk_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                    const uint64_t *query, size_t query_bits, uint32_t *out) {
  kernels()->rabitq_scan(codes, n, words, planes, query, query_bits, out);
}
void qk_pq4_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count, float *out) {
  kernels()->pq4_scan(lut, codes, n, m_count, out);
}
void qk_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                      const uint32_t *block_masks, uint16_t *out) {
  kernels()->pq4_fast_scan(lut, blocks, n, m_count, block_masks, out);
}

void qk_l2sq_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim, float *out) {
  kernels()->l2sq_f16_batch(q, p, n, dim, out);
}
void qk_dot_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim, float *out) {
  kernels()->dot_f16_batch(q, p, n, dim, out);
}
void qk_cosine_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim, float *out) {
  kernels()->cosine_f16_batch(q, p, n, dim, out);
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
