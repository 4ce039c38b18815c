// AVX2 + FMA (+ F16C for half-precision points) kernels (x86-64). Same shapes as
// kernels_avx512.c with 8-lane registers: four points per one-to-many pass with two accumulators
// each (FMA latency × two FMA pipes wants eight chains), 2 queries × 4 points register tiles for the block (sixteen ymm registers), and
// vmaskmov loads for dimension tails so nothing is read past the end of a vector.
#if defined(__x86_64__)
#include "kernel_table.h"
#include <immintrin.h>
#include <string.h>

#define QK_AVX2 __attribute__((target("avx2,fma,f16c")))

static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

/// Lanes [0, tail) set; tail in [0, 8].
static inline QK_AVX2 __m256i tail_mask(size_t tail) {
  return _mm256_loadu_si256((const __m256i *)(mask_table + 8 - tail));
}

/// The four horizontal sums of a, b, c, d as one vector (a's sum in lane 0).
static inline QK_AVX2 __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

static inline QK_AVX2 float hsum(__m256 v) {
  __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  x = _mm_add_ps(x, _mm_movehl_ps(x, x));
  x = _mm_add_ss(x, _mm_movehdup_ps(x));
  return _mm_cvtss_f32(x);
}

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    __m256 d_ = _mm256_sub_ps(x, y);                                                           \
    acc = _mm256_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define DOT_STEP(acc, x, y) acc = _mm256_fmadd_ps(x, y, acc)

// ---- one-to-one ---------------------------------------------------------------------------

#define ONE_TO_ONE(name, STEP)                                                                 \
  static QK_AVX2 float name(const float *a, const float *b, size_t dim) {                      \
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 32 <= dim; i += 32) {                                                           \
      STEP(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));                                \
      STEP(s1, _mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));                        \
      STEP(s2, _mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));                      \
      STEP(s3, _mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));                      \
    }                                                                                          \
    for (; i + 8 <= dim; i += 8) STEP(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));     \
    if (i < dim) {                                                                             \
      __m256i m = tail_mask(dim - i);                                                          \
      STEP(s1, _mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));                    \
    }                                                                                          \
    return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));                  \
  }

ONE_TO_ONE(avx2_l2sq, L2_STEP)
ONE_TO_ONE(avx2_dot, DOT_STEP)

static QK_AVX2 float avx2_norm_sq(const float *a, size_t dim) { return avx2_dot(a, a, dim); }

static QK_AVX2 float avx2_cosine(const float *a, const float *b, size_t dim) {
  __m256 d0 = _mm256_setzero_ps(), d1 = d0, na0 = d0, na1 = d0, nb0 = d0, nb1 = d0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    __m256 x0 = _mm256_loadu_ps(a + i), y0 = _mm256_loadu_ps(b + i);
    __m256 x1 = _mm256_loadu_ps(a + i + 8), y1 = _mm256_loadu_ps(b + i + 8);
    d0 = _mm256_fmadd_ps(x0, y0, d0);
    na0 = _mm256_fmadd_ps(x0, x0, na0);
    nb0 = _mm256_fmadd_ps(y0, y0, nb0);
    d1 = _mm256_fmadd_ps(x1, y1, d1);
    na1 = _mm256_fmadd_ps(x1, x1, na1);
    nb1 = _mm256_fmadd_ps(y1, y1, nb1);
  }
  for (; i < dim; i += 8) {
    __m256i m = tail_mask(dim - i >= 8 ? 8 : dim - i);
    __m256 x = _mm256_maskload_ps(a + i, m), y = _mm256_maskload_ps(b + i, m);
    d0 = _mm256_fmadd_ps(x, y, d0);
    na0 = _mm256_fmadd_ps(x, x, na0);
    nb0 = _mm256_fmadd_ps(y, y, nb0);
  }
  float dot = hsum(_mm256_add_ps(d0, d1));
  float na = hsum(_mm256_add_ps(na0, na1));
  float nb = hsum(_mm256_add_ps(nb0, nb1));
  return qk_cosine_finish(dot, na, nb, a, b, dim);
}

// ---- one-to-many: four points per pass, two accumulators each -----------------------------

#define BATCH(name, STEP, one_to_one)                                                          \
  static QK_AVX2 void name(const float *q, const float *p, size_t n, size_t dim, float *out) { \
    if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {         \
      for (size_t j = 0; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                 \
      return;                                                                                  \
    }                                                                                          \
    size_t tail = dim & 7, full = dim - tail;                                                  \
    __m256i m = tail_mask(tail);                                                               \
    for (size_t j = 0; j < n; j += 4) {                                                        \
      if (n - j < 4) {                                                                         \
        for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                           \
        break;                                                                                 \
      }                                                                                        \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m256 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      size_t i = 0;                                                                            \
      for (; i + 16 <= full; i += 16) {                                                        \
        __m256 qa = _mm256_loadu_ps(q + i), qb = _mm256_loadu_ps(q + i + 8);                   \
        STEP(s0, qa, _mm256_loadu_ps(p0 + i));                                                 \
        STEP(s1, qa, _mm256_loadu_ps(p1 + i));                                                 \
        STEP(s2, qa, _mm256_loadu_ps(p2 + i));                                                 \
        STEP(s3, qa, _mm256_loadu_ps(p3 + i));                                                 \
        STEP(t0, qb, _mm256_loadu_ps(p0 + i + 8));                                             \
        STEP(t1, qb, _mm256_loadu_ps(p1 + i + 8));                                             \
        STEP(t2, qb, _mm256_loadu_ps(p2 + i + 8));                                             \
        STEP(t3, qb, _mm256_loadu_ps(p3 + i + 8));                                             \
      }                                                                                        \
      if (i < full) {                                                                          \
        __m256 qa = _mm256_loadu_ps(q + i);                                                    \
        STEP(s0, qa, _mm256_loadu_ps(p0 + i));                                                 \
        STEP(s1, qa, _mm256_loadu_ps(p1 + i));                                                 \
        STEP(s2, qa, _mm256_loadu_ps(p2 + i));                                                 \
        STEP(s3, qa, _mm256_loadu_ps(p3 + i));                                                 \
      }                                                                                        \
      if (tail) {                                                                              \
        __m256 qa = _mm256_maskload_ps(q + full, m);                                           \
        STEP(t0, qa, _mm256_maskload_ps(p0 + full, m));                                        \
        STEP(t1, qa, _mm256_maskload_ps(p1 + full, m));                                        \
        STEP(t2, qa, _mm256_maskload_ps(p2 + full, m));                                        \
        STEP(t3, qa, _mm256_maskload_ps(p3 + full, m));                                        \
      }                                                                                        \
      __m128 r = hsum4(_mm256_add_ps(s0, t0), _mm256_add_ps(s1, t1), _mm256_add_ps(s2, t2),    \
                       _mm256_add_ps(s3, t3));                                                 \
      _mm_storeu_ps(out + j, r);                                                               \
    }                                                                                          \
  }

BATCH(avx2_l2sq_batch, L2_STEP, avx2_l2sq)
BATCH(avx2_dot_batch, DOT_STEP, avx2_dot)

static QK_AVX2 void avx2_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = avx2_dot(p + j * dim, p + j * dim, dim);
}

/// The cosine distance of q (squared norm q_norm_sq) and one point x, q·x and ‖x‖² in one
/// pass: the streaming path of the cosine scan and its leftover points.
static inline QK_AVX2 float cosine_one(const float *q, const float *x, size_t dim,
                                       float q_norm_sq) {
  __m256 d0 = _mm256_setzero_ps(), d1 = d0, n0 = d0, n1 = d0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + 8);
    d0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, d0);
    n0 = _mm256_fmadd_ps(x0, x0, n0);
    d1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, d1);
    n1 = _mm256_fmadd_ps(x1, x1, n1);
  }
  for (; i < dim; i += 8) {
    __m256i m = tail_mask(dim - i >= 8 ? 8 : dim - i);
    __m256 x0 = _mm256_maskload_ps(x + i, m);
    d0 = _mm256_fmadd_ps(_mm256_maskload_ps(q + i, m), x0, d0);
    n0 = _mm256_fmadd_ps(x0, x0, n0);
  }
  float dot = hsum(_mm256_add_ps(d0, d1));
  float norm = hsum(_mm256_add_ps(n0, n1));
  return qk_cosine_finish(dot, q_norm_sq, norm, q, x, dim);
}

static QK_AVX2 void avx2_cosine_batch(const float *q, const float *p, size_t n, size_t dim,
                                      float *out) {
  float q_norm_sq = avx2_dot(q, q, dim);
  if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {
    for (size_t j = 0; j < n; j++) out[j] = cosine_one(q, p + j * dim, dim, q_norm_sq);
    return;
  }
  for (size_t j = 0; j < n; j += 4) {
    if (n - j < 4) {
      for (; j < n; j++) out[j] = cosine_one(q, p + j * dim, dim, q_norm_sq);
      break;
    }
    const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;
    __m256 d0 = _mm256_setzero_ps(), d1 = d0, d2 = d0, d3 = d0;
    __m256 n0 = d0, n1 = d0, n2 = d0, n3 = d0;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      __m256 qv = _mm256_loadu_ps(q + i);
      __m256 x0 = _mm256_loadu_ps(p0 + i), x1 = _mm256_loadu_ps(p1 + i);
      __m256 x2 = _mm256_loadu_ps(p2 + i), x3 = _mm256_loadu_ps(p3 + i);
      QK_COSINE4_STEP(_mm256_fmadd_ps, qv, x0, x1, x2, x3);
    }
    if (i < dim) {
      __m256i m = tail_mask(dim - i);
      __m256 qv = _mm256_maskload_ps(q + i, m);
      __m256 x0 = _mm256_maskload_ps(p0 + i, m), x1 = _mm256_maskload_ps(p1 + i, m);
      __m256 x2 = _mm256_maskload_ps(p2 + i, m), x3 = _mm256_maskload_ps(p3 + i, m);
      QK_COSINE4_STEP(_mm256_fmadd_ps, qv, x0, x1, x2, x3);
    }
    qk_cosine_finish4(hsum4(d0, d1, d2, d3), hsum4(n0, n1, n2, n3), q_norm_sq, q, p0, dim, 4,
                      out + j);
  }
}

// ---- many-to-many: 2×4 register tiles over L2-sized point tiles ---------------------------

/// Stores the valid `rows × cols` corner of a 2×4 result tile at out (row stride `stride`).
static inline QK_AVX2 void store_tile(float *out, size_t stride, size_t rows, size_t cols,
                                      __m128 r0, __m128 r1) {
  if (rows == 2 && cols == 4) {
    _mm_storeu_ps(out, r0);
    _mm_storeu_ps(out + stride, r1);
    return;
  }
  float tile[8];
  _mm_storeu_ps(tile, r0);
  _mm_storeu_ps(tile + 4, r1);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) out[r * stride + c] = tile[r * 4 + c];
}

#define TILE(name, STEP)                                                                       \
  static QK_AVX2 void name(const float *q0, const float *q1, const float *p0,                  \
                           const float *p1, const float *p2, const float *p3, size_t dim,      \
                           float *out, size_t stride, size_t rows, size_t cols) {              \
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                \
    __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                                 \
    size_t i = 0;                                                                              \
    for (; i + 8 <= dim; i += 8) {                                                             \
      __m256 x0 = _mm256_loadu_ps(p0 + i), x1 = _mm256_loadu_ps(p1 + i);                       \
      __m256 x2 = _mm256_loadu_ps(p2 + i), x3 = _mm256_loadu_ps(p3 + i);                       \
      __m256 y = _mm256_loadu_ps(q0 + i);                                                      \
      STEP(a0, y, x0);                                                                         \
      STEP(a1, y, x1);                                                                         \
      STEP(a2, y, x2);                                                                         \
      STEP(a3, y, x3);                                                                         \
      y = _mm256_loadu_ps(q1 + i);                                                             \
      STEP(b0, y, x0);                                                                         \
      STEP(b1, y, x1);                                                                         \
      STEP(b2, y, x2);                                                                         \
      STEP(b3, y, x3);                                                                         \
    }                                                                                          \
    if (i < dim) {                                                                             \
      __m256i m = tail_mask(dim - i);                                                          \
      __m256 x0 = _mm256_maskload_ps(p0 + i, m), x1 = _mm256_maskload_ps(p1 + i, m);           \
      __m256 x2 = _mm256_maskload_ps(p2 + i, m), x3 = _mm256_maskload_ps(p3 + i, m);           \
      __m256 y = _mm256_maskload_ps(q0 + i, m);                                                \
      STEP(a0, y, x0);                                                                         \
      STEP(a1, y, x1);                                                                         \
      STEP(a2, y, x2);                                                                         \
      STEP(a3, y, x3);                                                                         \
      y = _mm256_maskload_ps(q1 + i, m);                                                       \
      STEP(b0, y, x0);                                                                         \
      STEP(b1, y, x1);                                                                         \
      STEP(b2, y, x2);                                                                         \
      STEP(b3, y, x3);                                                                         \
    }                                                                                          \
    store_tile(out, stride, rows, cols, hsum4(a0, a1, a2, a3), hsum4(b0, b1, b2, b3));         \
  }

TILE(avx2_l2sq_tile, L2_STEP)
TILE(avx2_dot_tile, DOT_STEP)

/// Points per cache tile: about 256 KiB of points, a multiple of four.
static inline size_t points_per_tile(size_t dim) {
  size_t t = (256 * 1024) / (dim * sizeof(float));
  t &= ~(size_t)3;
  return t < 4 ? 4 : t;
}

#define BLOCK(name, tile)                                                                      \
  static QK_AVX2 void name(const float *qs, size_t nq, const float *ps, size_t np, size_t dim, \
                           float *out) {                                                       \
    size_t span = points_per_tile(dim);                                                        \
    for (size_t pb = 0; pb < np; pb += span) {                                                 \
      size_t pe = np - pb < span ? np : pb + span;                                             \
      for (size_t a = 0; a < nq; a += 2) {                                                     \
        size_t rows = nq - a < 2 ? nq - a : 2;                                                 \
        const float *q0 = qs + a * dim;                                                        \
        const float *q1 = rows > 1 ? q0 + dim : q0;                                            \
        for (size_t b = pb; b < pe; b += 4) {                                                  \
          size_t cols = pe - b < 4 ? pe - b : 4;                                               \
          const float *p0 = ps + b * dim;                                                      \
          const float *p1 = cols > 1 ? p0 + dim : p0;                                          \
          const float *p2 = cols > 2 ? p0 + 2 * dim : p0;                                      \
          const float *p3 = cols > 3 ? p0 + 3 * dim : p0;                                      \
          tile(q0, q1, p0, p1, p2, p3, dim, out + a * np + b, np, rows, cols);                 \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

BLOCK(avx2_l2sq_block, avx2_l2sq_tile)
BLOCK(avx2_dot_block, avx2_dot_tile)

// ---- 8-bit scalar quantization ------------------------------------------------------------

/// Eight codes widened to floats; `count` < 8 reads only that many bytes (the rest are 0).
static inline QK_AVX2 __m256 load_codes(const uint8_t *c, size_t count) {
  uint64_t word = 0;
  memcpy(&word, c, count < 8 ? count : 8);
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)word)));
}

/// One row of the SQ8 scans: leftover rows, and callers that score one code at a time.
static inline QK_AVX2 float sq8_l2_row(const float *qo, const float *scale, const uint8_t *c,
                                    size_t dim) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    __m256 d0 = _mm256_fnmadd_ps(_mm256_loadu_ps(scale + i),
                                 load_codes(c + i, 8), _mm256_loadu_ps(qo + i));
    __m256 d1 = _mm256_fnmadd_ps(_mm256_loadu_ps(scale + i + 8),
                                 load_codes(c + i + 8, 8), _mm256_loadu_ps(qo + i + 8));
    s0 = _mm256_fmadd_ps(d0, d0, s0);
    s1 = _mm256_fmadd_ps(d1, d1, s1);
  }
  for (; i < dim; i += 8) {
    size_t count = dim - i < 8 ? dim - i : 8;
    __m256i m = tail_mask(count);
    __m256 d = _mm256_fnmadd_ps(_mm256_maskload_ps(scale + i, m),
                                load_codes(c + i, count), _mm256_maskload_ps(qo + i, m));
    s0 = _mm256_fmadd_ps(d, d, s0);
  }
  return hsum(_mm256_add_ps(s0, s1));
}

/// One row of the SQ8 weighted sum.
static inline QK_AVX2 float sq8_sum_row(const float *w, const uint8_t *c, size_t dim) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), load_codes(c + i, 8), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), load_codes(c + i + 8, 8), s1);
  }
  for (; i < dim; i += 8) {
    size_t count = dim - i < 8 ? dim - i : 8;
    __m256i m = tail_mask(count);
    s0 = _mm256_fmadd_ps(_mm256_maskload_ps(w + i, m), load_codes(c + i, count), s0);
  }
  return hsum(_mm256_add_ps(s0, s1));
}

#define SQ8_L2_STEP(acc, qv, sv, x)                                                            \
  do {                                                                                         \
    __m256 d_ = _mm256_fnmadd_ps(sv, x, qv);                                                   \
    acc = _mm256_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define SQ8_SUM_STEP(acc, qv, sv, x)                                                           \
  do {                                                                                         \
    (void)(sv);                                                                                \
    acc = _mm256_fmadd_ps(qv, x, acc);                                                         \
  } while (0)

#define SQ8_BATCH(STEP, scale_load, ROW)                                                       \
  size_t tail = dim & 7, full = dim - tail;                                                    \
  __m256i m = tail_mask(tail);                                                                 \
  for (size_t j = 0; j < n; j += 4) {                                                          \
    if (n - j < 4) {                                                                           \
      for (; j < n; j++) out[j] = ROW(codes + j * dim);                                        \
      break;                                                                                   \
    }                                                                                          \
    const uint8_t *c0 = codes + j * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;       \
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    for (size_t i = 0; i < full; i += 8) {                                                     \
      __m256 qv = _mm256_loadu_ps(first + i);                                                  \
      __m256 sv = scale_load(i, tail_mask(8));                                                 \
      STEP(s0, qv, sv, load_codes(c0 + i, 8));                                                 \
      STEP(s1, qv, sv, load_codes(c1 + i, 8));                                                 \
      STEP(s2, qv, sv, load_codes(c2 + i, 8));                                                 \
      STEP(s3, qv, sv, load_codes(c3 + i, 8));                                                 \
    }                                                                                          \
    if (tail) {                                                                                \
      __m256 qv = _mm256_maskload_ps(first + full, m);                                         \
      __m256 sv = scale_load(full, m);                                                         \
      STEP(s0, qv, sv, load_codes(c0 + full, tail));                                           \
      STEP(s1, qv, sv, load_codes(c1 + full, tail));                                           \
      STEP(s2, qv, sv, load_codes(c2 + full, tail));                                           \
      STEP(s3, qv, sv, load_codes(c3 + full, tail));                                           \
    }                                                                                          \
    float sums[4];                                                                             \
    _mm_storeu_ps(sums, hsum4(s0, s1, s2, s3));                                                \
    for (size_t k = 0; k < 4; k++) out[j + k] = sums[k];                                       \
  }

#define LOAD_SCALE(i, mask) _mm256_maskload_ps(scale + (i), mask)
#define NO_SCALE(i, mask) _mm256_setzero_ps()

static QK_AVX2 void avx2_sq8_l2sq_batch(const float *qo, const float *scale,
                                        const uint8_t *codes, size_t n, size_t dim, float *out) {
  const float *first = qo;
#define L2_ROW(c) sq8_l2_row(qo, scale, c, dim)
  SQ8_BATCH(SQ8_L2_STEP, LOAD_SCALE, L2_ROW)
}

static QK_AVX2 void avx2_sq8_weighted_sum_batch(const float *w, const uint8_t *codes, size_t n,
                                                size_t dim, float *out) {
  const float *first = w;
#define SUM_ROW(c) sq8_sum_row(w, c, dim)
  SQ8_BATCH(SQ8_SUM_STEP, NO_SCALE, SUM_ROW)
}

// ---- half-precision points: one point at a time ------------------------------------------

/// 8 halves widened to floats; `count` < 8 reads only that many (the rest are 0).
static inline QK_AVX2 __m256 load_halves(const uint16_t *x, size_t count) {
  if (count >= 8) return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)x));
  uint16_t buffer[8] = {0};
  memcpy(buffer, x, count * sizeof(uint16_t));
  return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)buffer));
}

#define F16_ROW(name, STEP)                                                                    \
  static inline QK_AVX2 float name(const float *q, const uint16_t *x, size_t dim) {            \
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 32 <= dim; i += 32) {                                                           \
      STEP(s0, _mm256_loadu_ps(q + i), load_halves(x + i, 8));                                 \
      STEP(s1, _mm256_loadu_ps(q + i + 8), load_halves(x + i + 8, 8));                         \
      STEP(s2, _mm256_loadu_ps(q + i + 16), load_halves(x + i + 16, 8));                       \
      STEP(s3, _mm256_loadu_ps(q + i + 24), load_halves(x + i + 24, 8));                       \
    }                                                                                          \
    for (; i < dim; i += 8) {                                                                  \
      size_t count = dim - i < 8 ? dim - i : 8;                                                \
      __m256i m = tail_mask(count);                                                            \
      STEP(s0, _mm256_maskload_ps(q + i, m), load_halves(x + i, count));                       \
    }                                                                                          \
    return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));                  \
  }

F16_ROW(l2sq_f16_row, L2_STEP)
F16_ROW(dot_f16_row, DOT_STEP)

static QK_AVX2 void avx2_l2sq_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                        float *out) {
  for (size_t j = 0; j < n; j++) out[j] = l2sq_f16_row(q, p + j * dim, dim);
}

static QK_AVX2 void avx2_dot_f16_batch(const float *q, const uint16_t *p, size_t n, size_t dim,
                                       float *out) {
  for (size_t j = 0; j < n; j++) out[j] = dot_f16_row(q, p + j * dim, dim);
}

static QK_AVX2 void avx2_cosine_f16_batch(const float *q, const uint16_t *p, size_t n,
                                          size_t dim, float *out) {
  float q_norm_sq = avx2_dot(q, q, dim);
  for (size_t j = 0; j < n; j++) {
    const uint16_t *x = p + j * dim;
    __m256 d0 = _mm256_setzero_ps(), d1 = d0, n0 = d0, n1 = d0;
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
      __m256 x0 = load_halves(x + i, 8), x1 = load_halves(x + i + 8, 8);
      d0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), x0, d0);
      n0 = _mm256_fmadd_ps(x0, x0, n0);
      d1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), x1, d1);
      n1 = _mm256_fmadd_ps(x1, x1, n1);
    }
    for (; i < dim; i += 8) {
      size_t count = dim - i < 8 ? dim - i : 8;
      __m256i m = tail_mask(count);
      __m256 x0 = load_halves(x + i, count);
      d0 = _mm256_fmadd_ps(_mm256_maskload_ps(q + i, m), x0, d0);
      n0 = _mm256_fmadd_ps(x0, x0, n0);
    }
    float dot = hsum(_mm256_add_ps(d0, d1)), norm = hsum(_mm256_add_ps(n0, n1));
    out[j] = qk_cosine_finish_f16(dot, q_norm_sq, norm, q, x, dim);
  }
}

const qk_kernel_table qk_avx2_table =
    QK_KERNEL_TABLE(avx2, qk_pq8_scan_unrolled, qk_pq4_scan_unrolled, qk_avx2_pq4_fast_scan);
#endif
