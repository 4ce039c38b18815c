// AVX-512F kernels (x86-64). Every function carries its own target attribute, so the file builds
// with the package's default flags and runs only when dispatch.c has seen AVX-512F.
//
// Shapes: one-to-many scans work on four points at once so each query load feeds four points;
// the many-to-many block computes 4 queries × 4 points in sixteen registers and walks the points
// in tiles that stay in L2. Dimension tails use masked loads (zeros beyond the end), so no
// element is read past the end of a vector and no alignment is assumed. Leftover points of a
// scan (fewer than four) go through the one-point kernels; leftover rows of a block tile reuse the
// last valid pointer and only the valid results are stored.
#if defined(__x86_64__)
#include "kernel_table.h"
#include <immintrin.h>
#include <string.h>

#define QK_AVX512 __attribute__((target("avx512f,avx2,fma")))

static inline QK_AVX512 __mmask16 tail_mask(size_t tail) {
  return (__mmask16)((1u << tail) - 1u);
}

static inline QK_AVX512 __m256 fold256(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v),
                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

/// The four horizontal sums of a, b, c, d as one vector (a's sum in lane 0).
static inline QK_AVX512 __m128 hsum4(__m512 a, __m512 b, __m512 c, __m512 d) {
  __m256 ab = _mm256_hadd_ps(fold256(a), fold256(b));
  __m256 cd = _mm256_hadd_ps(fold256(c), fold256(d));
  __m256 abcd = _mm256_hadd_ps(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/// Stores the valid `rows × cols` corner of a 4×4 result tile at out (row stride `stride`).
static inline QK_AVX512 void store_tile(float *out, size_t stride, size_t rows, size_t cols,
                                        __m128 r0, __m128 r1, __m128 r2, __m128 r3) {
  if (rows == 4 && cols == 4) {
    _mm_storeu_ps(out, r0);
    _mm_storeu_ps(out + stride, r1);
    _mm_storeu_ps(out + 2 * stride, r2);
    _mm_storeu_ps(out + 3 * stride, r3);
    return;
  }
  float tile[16];
  _mm_storeu_ps(tile, r0);
  _mm_storeu_ps(tile + 4, r1);
  _mm_storeu_ps(tile + 8, r2);
  _mm_storeu_ps(tile + 12, r3);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) out[r * stride + c] = tile[r * 4 + c];
}

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    __m512 d_ = _mm512_sub_ps(x, y);                                                           \
    acc = _mm512_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define DOT_STEP(acc, x, y) acc = _mm512_fmadd_ps(x, y, acc)

// ---- one-to-one ---------------------------------------------------------------------------

#define ONE_TO_ONE(name, STEP)                                                                 \
  static QK_AVX512 float name(const float *a, const float *b, size_t dim) {                    \
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 64 <= dim; i += 64) {                                                           \
      STEP(s0, _mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));                                \
      STEP(s1, _mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));                      \
      STEP(s2, _mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));                      \
      STEP(s3, _mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));                      \
    }                                                                                          \
    for (; i + 16 <= dim; i += 16) STEP(s0, _mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));   \
    if (i < dim) {                                                                             \
      __mmask16 m = tail_mask(dim - i);                                                        \
      STEP(s1, _mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));              \
    }                                                                                          \
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));  \
  }

ONE_TO_ONE(avx512_l2sq, L2_STEP)
ONE_TO_ONE(avx512_dot, DOT_STEP)

static QK_AVX512 float avx512_norm_sq(const float *a, size_t dim) { return avx512_dot(a, a, dim); }

static QK_AVX512 float avx512_cosine(const float *a, const float *b, size_t dim) {
  __m512 d0 = _mm512_setzero_ps(), d1 = d0, na0 = d0, na1 = d0, nb0 = d0, nb1 = d0;
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    __m512 x0 = _mm512_loadu_ps(a + i), y0 = _mm512_loadu_ps(b + i);
    __m512 x1 = _mm512_loadu_ps(a + i + 16), y1 = _mm512_loadu_ps(b + i + 16);
    d0 = _mm512_fmadd_ps(x0, y0, d0);
    na0 = _mm512_fmadd_ps(x0, x0, na0);
    nb0 = _mm512_fmadd_ps(y0, y0, nb0);
    d1 = _mm512_fmadd_ps(x1, y1, d1);
    na1 = _mm512_fmadd_ps(x1, x1, na1);
    nb1 = _mm512_fmadd_ps(y1, y1, nb1);
  }
  for (; i < dim; i += 16) {
    __mmask16 m = dim - i >= 16 ? (__mmask16)0xFFFF : tail_mask(dim - i);
    __m512 x = _mm512_maskz_loadu_ps(m, a + i), y = _mm512_maskz_loadu_ps(m, b + i);
    d0 = _mm512_fmadd_ps(x, y, d0);
    na0 = _mm512_fmadd_ps(x, x, na0);
    nb0 = _mm512_fmadd_ps(y, y, nb0);
  }
  float dot = _mm512_reduce_add_ps(_mm512_add_ps(d0, d1));
  float na = _mm512_reduce_add_ps(_mm512_add_ps(na0, na1));
  float nb = _mm512_reduce_add_ps(_mm512_add_ps(nb0, nb1));
  return qk_cosine_finish(dot, na, nb, a, b, dim);
}

// ---- one-to-many: four points per pass, two accumulators each -----------------------------

#define BATCH(name, STEP, one_to_one)                                                          \
  static QK_AVX512 void name(const float *q, const float *p, size_t n, size_t dim, float *out) {\
    if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {         \
      for (size_t j = 0; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                 \
      return;                                                                                  \
    }                                                                                          \
    size_t tail = dim & 15, full = dim - tail;                                                 \
    __mmask16 m = tail_mask(tail);                                                             \
    for (size_t j = 0; j < n; j += 4) {                                                        \
      if (n - j < 4) {                                                                         \
        for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                           \
        break;                                                                                 \
      }                                                                                        \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m512 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      size_t i = 0;                                                                            \
      for (; i + 32 <= full; i += 32) {                                                        \
        __m512 qa = _mm512_loadu_ps(q + i), qb = _mm512_loadu_ps(q + i + 16);                  \
        STEP(s0, qa, _mm512_loadu_ps(p0 + i));                                                 \
        STEP(s1, qa, _mm512_loadu_ps(p1 + i));                                                 \
        STEP(s2, qa, _mm512_loadu_ps(p2 + i));                                                 \
        STEP(s3, qa, _mm512_loadu_ps(p3 + i));                                                 \
        STEP(t0, qb, _mm512_loadu_ps(p0 + i + 16));                                            \
        STEP(t1, qb, _mm512_loadu_ps(p1 + i + 16));                                            \
        STEP(t2, qb, _mm512_loadu_ps(p2 + i + 16));                                            \
        STEP(t3, qb, _mm512_loadu_ps(p3 + i + 16));                                            \
      }                                                                                        \
      if (i < full) {                                                                          \
        __m512 qa = _mm512_loadu_ps(q + i);                                                    \
        STEP(s0, qa, _mm512_loadu_ps(p0 + i));                                                 \
        STEP(s1, qa, _mm512_loadu_ps(p1 + i));                                                 \
        STEP(s2, qa, _mm512_loadu_ps(p2 + i));                                                 \
        STEP(s3, qa, _mm512_loadu_ps(p3 + i));                                                 \
      }                                                                                        \
      if (tail) {                                                                              \
        __m512 qa = _mm512_maskz_loadu_ps(m, q + full);                                        \
        STEP(t0, qa, _mm512_maskz_loadu_ps(m, p0 + full));                                     \
        STEP(t1, qa, _mm512_maskz_loadu_ps(m, p1 + full));                                     \
        STEP(t2, qa, _mm512_maskz_loadu_ps(m, p2 + full));                                     \
        STEP(t3, qa, _mm512_maskz_loadu_ps(m, p3 + full));                                     \
      }                                                                                        \
      __m128 r = hsum4(_mm512_add_ps(s0, t0), _mm512_add_ps(s1, t1), _mm512_add_ps(s2, t2),    \
                       _mm512_add_ps(s3, t3));                                                 \
      _mm_storeu_ps(out + j, r);                                                               \
    }                                                                                          \
  }

BATCH(avx512_l2sq_batch, L2_STEP, avx512_l2sq)
BATCH(avx512_dot_batch, DOT_STEP, avx512_dot)

static QK_AVX512 void avx512_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = avx512_dot(p + j * dim, p + j * dim, dim);
}

/// The cosine distance of q (squared norm q_norm_sq) and one point x, q·x and ‖x‖² in one
/// pass: the streaming path of the cosine scan and its leftover points.
static inline QK_AVX512 float cosine_one(const float *q, const float *x, size_t dim,
                                         float q_norm_sq) {
  __m512 d0 = _mm512_setzero_ps(), d1 = d0, n0 = d0, n1 = d0;
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    __m512 x0 = _mm512_loadu_ps(x + i), x1 = _mm512_loadu_ps(x + i + 16);
    d0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), x0, d0);
    n0 = _mm512_fmadd_ps(x0, x0, n0);
    d1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), x1, d1);
    n1 = _mm512_fmadd_ps(x1, x1, n1);
  }
  for (; i < dim; i += 16) {
    __mmask16 m = dim - i >= 16 ? (__mmask16)0xFFFF : tail_mask(dim - i);
    __m512 x0 = _mm512_maskz_loadu_ps(m, x + i);
    d0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + i), x0, d0);
    n0 = _mm512_fmadd_ps(x0, x0, n0);
  }
  float dot = _mm512_reduce_add_ps(_mm512_add_ps(d0, d1));
  float norm = _mm512_reduce_add_ps(_mm512_add_ps(n0, n1));
  return qk_cosine_finish(dot, q_norm_sq, norm, q, x, dim);
}

static QK_AVX512 void avx512_cosine_batch(const float *q, const float *p, size_t n, size_t dim,
                                          float *out) {
  size_t tail = dim & 15, full = dim - tail;
  __mmask16 m = tail_mask(tail);
  float q_norm_sq = avx512_dot(q, q, dim);
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
    __m512 d0 = _mm512_setzero_ps(), d1 = d0, d2 = d0, d3 = d0;
    __m512 n0 = d0, n1 = d0, n2 = d0, n3 = d0;
    for (size_t i = 0; i < dim; i += 16) {
      __mmask16 mm = i < full ? (__mmask16)0xFFFF : m;
      __m512 qv = _mm512_maskz_loadu_ps(mm, q + i);
      __m512 x0 = _mm512_maskz_loadu_ps(mm, p0 + i), x1 = _mm512_maskz_loadu_ps(mm, p1 + i);
      __m512 x2 = _mm512_maskz_loadu_ps(mm, p2 + i), x3 = _mm512_maskz_loadu_ps(mm, p3 + i);
      QK_COSINE4_STEP(_mm512_fmadd_ps, qv, x0, x1, x2, x3);
    }
    qk_cosine_finish4(hsum4(d0, d1, d2, d3), hsum4(n0, n1, n2, n3), q_norm_sq, q, p0, dim, 4,
                      out + j);
  }
}

// ---- many-to-many: 4×4 register tiles over L2-sized point tiles ---------------------------

/// STEP of one query register y against the four points x0..x3, into acc0..acc3.
#define STEP4(STEP, acc, y)                                                                    \
  do {                                                                                         \
    STEP(acc##0, y, x0);                                                                       \
    STEP(acc##1, y, x1);                                                                       \
    STEP(acc##2, y, x2);                                                                       \
    STEP(acc##3, y, x3);                                                                       \
  } while (0)

#define TILE(name, STEP)                                                                       \
  static QK_AVX512 void name(const float *q0, const float *q1, const float *q2,                \
                             const float *q3, const float *p0, const float *p1,                \
                             const float *p2, const float *p3, size_t dim, float *out,         \
                             size_t stride, size_t rows, size_t cols) {                        \
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0,     \
           b3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;    \
    for (size_t i = 0; i < dim; i += 16) {                                                     \
      __mmask16 m = dim - i >= 16 ? (__mmask16)0xFFFF : tail_mask(dim - i);                    \
      __m512 x0 = _mm512_maskz_loadu_ps(m, p0 + i), x1 = _mm512_maskz_loadu_ps(m, p1 + i);     \
      __m512 x2 = _mm512_maskz_loadu_ps(m, p2 + i), x3 = _mm512_maskz_loadu_ps(m, p3 + i);     \
      __m512 y = _mm512_maskz_loadu_ps(m, q0 + i);                                             \
      STEP4(STEP, a, y);                                                                       \
      y = _mm512_maskz_loadu_ps(m, q1 + i);                                                    \
      STEP4(STEP, b, y);                                                                       \
      y = _mm512_maskz_loadu_ps(m, q2 + i);                                                    \
      STEP4(STEP, c, y);                                                                       \
      y = _mm512_maskz_loadu_ps(m, q3 + i);                                                    \
      STEP4(STEP, e, y);                                                                       \
    }                                                                                          \
    store_tile(out, stride, rows, cols, hsum4(a0, a1, a2, a3), hsum4(b0, b1, b2, b3),          \
               hsum4(c0, c1, c2, c3), hsum4(e0, e1, e2, e3));                                  \
  }

TILE(avx512_l2sq_tile, L2_STEP)
TILE(avx512_dot_tile, DOT_STEP)

/// Points per cache tile: about 256 KiB of points, a multiple of four.
static inline size_t points_per_tile(size_t dim) {
  size_t t = (256 * 1024) / (dim * sizeof(float));
  t &= ~(size_t)3;
  return t < 4 ? 4 : t;
}

#define BLOCK(name, tile)                                                                      \
  static QK_AVX512 void name(const float *qs, size_t nq, const float *ps, size_t np,           \
                             size_t dim, float *out) {                                         \
    size_t span = points_per_tile(dim);                                                        \
    for (size_t pb = 0; pb < np; pb += span) {                                                 \
      size_t pe = np - pb < span ? np : pb + span;                                             \
      for (size_t a = 0; a < nq; a += 4) {                                                     \
        size_t rows = nq - a < 4 ? nq - a : 4;                                                 \
        const float *q0 = qs + a * dim;                                                        \
        const float *q1 = rows > 1 ? q0 + dim : q0;                                            \
        const float *q2 = rows > 2 ? q0 + 2 * dim : q0;                                        \
        const float *q3 = rows > 3 ? q0 + 3 * dim : q0;                                        \
        for (size_t b = pb; b < pe; b += 4) {                                                  \
          size_t cols = pe - b < 4 ? pe - b : 4;                                               \
          const float *p0 = ps + b * dim;                                                      \
          const float *p1 = cols > 1 ? p0 + dim : p0;                                          \
          const float *p2 = cols > 2 ? p0 + 2 * dim : p0;                                      \
          const float *p3 = cols > 3 ? p0 + 3 * dim : p0;                                      \
          tile(q0, q1, q2, q3, p0, p1, p2, p3, dim, out + a * np + b, np, rows, cols);         \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

BLOCK(avx512_l2sq_block, avx512_l2sq_tile)
BLOCK(avx512_dot_block, avx512_dot_tile)

// ---- 8-bit scalar quantization ------------------------------------------------------------

/// Sixteen codes widened to floats; `count` < 16 reads only that many bytes (the rest are 0).
static inline QK_AVX512 __m512 load_codes(const uint8_t *c, size_t count) {
  __m128i bytes;
  if (count >= 16) {
    bytes = _mm_loadu_si128((const __m128i *)c);
  } else {
    uint8_t buffer[16] = {0};
    memcpy(buffer, c, count);
    bytes = _mm_loadu_si128((const __m128i *)buffer);
  }
  return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes));
}

/// One row of the SQ8 scans: leftover rows, and callers that score one code at a time.
static inline QK_AVX512 float sq8_l2_row(const float *qo, const float *scale, const uint8_t *c,
                                    size_t dim) {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    __m512 d0 = _mm512_fnmadd_ps(_mm512_loadu_ps(scale + i),
                                 load_codes(c + i, 16), _mm512_loadu_ps(qo + i));
    __m512 d1 = _mm512_fnmadd_ps(_mm512_loadu_ps(scale + i + 16),
                                 load_codes(c + i + 16, 16), _mm512_loadu_ps(qo + i + 16));
    s0 = _mm512_fmadd_ps(d0, d0, s0);
    s1 = _mm512_fmadd_ps(d1, d1, s1);
  }
  for (; i < dim; i += 16) {
    size_t count = dim - i < 16 ? dim - i : 16;
    __mmask16 m = tail_mask(count);
    __m512 d = _mm512_fnmadd_ps(_mm512_maskz_loadu_ps(m, scale + i),
                                load_codes(c + i, count), _mm512_maskz_loadu_ps(m, qo + i));
    s0 = _mm512_fmadd_ps(d, d, s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

/// One row of the SQ8 weighted sum.
static inline QK_AVX512 float sq8_sum_row(const float *w, const uint8_t *c, size_t dim) {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0;
  size_t i = 0;
  for (; i + 32 <= dim; i += 32) {
    s0 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i), load_codes(c + i, 16), s0);
    s1 = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 16), load_codes(c + i + 16, 16), s1);
  }
  for (; i < dim; i += 16) {
    size_t count = dim - i < 16 ? dim - i : 16;
    __mmask16 m = tail_mask(count);
    s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + i), load_codes(c + i, count), s0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

#define SQ8_L2_STEP(acc, qv, sv, x)                                                            \
  do {                                                                                         \
    __m512 d_ = _mm512_fnmadd_ps(sv, x, qv);                                                   \
    acc = _mm512_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define SQ8_SUM_STEP(acc, qv, sv, x)                                                           \
  do {                                                                                         \
    (void)(sv);                                                                                \
    acc = _mm512_fmadd_ps(qv, x, acc);                                                         \
  } while (0)

#define SQ8_BATCH(STEP, scale_load, ROW)                                                       \
  size_t tail = dim & 15, full = dim - tail;                                                   \
  __mmask16 m = tail_mask(tail);                                                               \
  for (size_t j = 0; j < n; j += 4) {                                                          \
    if (n - j < 4) {                                                                           \
      for (; j < n; j++) out[j] = ROW(codes + j * dim);                                        \
      break;                                                                                   \
    }                                                                                          \
    const uint8_t *c0 = codes + j * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;       \
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    for (size_t i = 0; i < full; i += 16) {                                                    \
      __m512 qv = _mm512_loadu_ps(first + i);                                                  \
      __m512 sv = scale_load(i, 0xFFFF);                                                       \
      STEP(s0, qv, sv, load_codes(c0 + i, 16));                                                \
      STEP(s1, qv, sv, load_codes(c1 + i, 16));                                                \
      STEP(s2, qv, sv, load_codes(c2 + i, 16));                                                \
      STEP(s3, qv, sv, load_codes(c3 + i, 16));                                                \
    }                                                                                          \
    if (tail) {                                                                                \
      __m512 qv = _mm512_maskz_loadu_ps(m, first + full);                                      \
      __m512 sv = scale_load(full, m);                                                         \
      STEP(s0, qv, sv, load_codes(c0 + full, tail));                                           \
      STEP(s1, qv, sv, load_codes(c1 + full, tail));                                           \
      STEP(s2, qv, sv, load_codes(c2 + full, tail));                                           \
      STEP(s3, qv, sv, load_codes(c3 + full, tail));                                           \
    }                                                                                          \
    float sums[4];                                                                             \
    _mm_storeu_ps(sums, hsum4(s0, s1, s2, s3));                                                \
    for (size_t k = 0; k < 4; k++) out[j + k] = sums[k];                                       \
  }

#define LOAD_SCALE(i, mask) _mm512_maskz_loadu_ps((__mmask16)(mask), scale + (i))
#define NO_SCALE(i, mask) _mm512_setzero_ps()

static QK_AVX512 void avx512_sq8_l2sq_batch(const float *qo, const float *scale,
                                            const uint8_t *codes, size_t n, size_t dim,
                                            float *out) {
  const float *first = qo;
#define L2_ROW(c) sq8_l2_row(qo, scale, c, dim)
  SQ8_BATCH(SQ8_L2_STEP, LOAD_SCALE, L2_ROW)
}

static QK_AVX512 void avx512_sq8_weighted_sum_batch(const float *w, const uint8_t *codes,
                                                    size_t n, size_t dim, float *out) {
  const float *first = w;
#define SUM_ROW(c) sq8_sum_row(w, c, dim)
  SQ8_BATCH(SQ8_SUM_STEP, NO_SCALE, SUM_ROW)
}

// ---- half-precision points: one point at a time ------------------------------------------

/// 16 halves widened to floats; `count` < 16 reads only that many (the rest are 0).
static inline QK_AVX512 __m512 load_halves(const uint16_t *x, size_t count) {
  if (count >= 16) return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)x));
  uint16_t buffer[16] = {0};
  memcpy(buffer, x, count * sizeof(uint16_t));
  return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)buffer));
}

#define F16_ROW(name, STEP)                                                                    \
  static inline QK_AVX512 float name(const float *q, const uint16_t *x, size_t dim) {          \
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                                \
    size_t i = 0;                                                                              \
    for (; i + 64 <= dim; i += 64) {                                                           \
      STEP(s0, _mm512_loadu_ps(q + i), load_halves(x + i, 16));                                \
      STEP(s1, _mm512_loadu_ps(q + i + 16), load_halves(x + i + 16, 16));                      \
      STEP(s2, _mm512_loadu_ps(q + i + 32), load_halves(x + i + 32, 16));                      \
      STEP(s3, _mm512_loadu_ps(q + i + 48), load_halves(x + i + 48, 16));                      \
    }                                                                                          \
    for (; i < dim; i += 16) {                                                                 \
      size_t count = dim - i < 16 ? dim - i : 16;                                              \
      __mmask16 m = tail_mask(count);                                                          \
      STEP(s0, _mm512_maskz_loadu_ps(m, q + i), load_halves(x + i, count));                    \
    }                                                                                          \
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));  \
  }

F16_ROW(l2sq_f16_row, L2_STEP)
F16_ROW(dot_f16_row, DOT_STEP)

static QK_AVX512 void avx512_l2sq_f16_batch(const float *q, const uint16_t *p, size_t n,
                                            size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = l2sq_f16_row(q, p + j * dim, dim);
}

static QK_AVX512 void avx512_dot_f16_batch(const float *q, const uint16_t *p, size_t n,
                                           size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = dot_f16_row(q, p + j * dim, dim);
}

static QK_AVX512 void avx512_cosine_f16_batch(const float *q, const uint16_t *p, size_t n,
                                              size_t dim, float *out) {
  float q_norm_sq = avx512_dot(q, q, dim);
  for (size_t j = 0; j < n; j++) {
    const uint16_t *x = p + j * dim;
    __m512 d0 = _mm512_setzero_ps(), d1 = d0, n0 = d0, n1 = d0;
    size_t i = 0;
    for (; i + 32 <= dim; i += 32) {
      __m512 x0 = load_halves(x + i, 16), x1 = load_halves(x + i + 16, 16);
      d0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), x0, d0);
      n0 = _mm512_fmadd_ps(x0, x0, n0);
      d1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), x1, d1);
      n1 = _mm512_fmadd_ps(x1, x1, n1);
    }
    for (; i < dim; i += 16) {
      size_t count = dim - i < 16 ? dim - i : 16;
      __mmask16 m = tail_mask(count);
      __m512 x0 = load_halves(x + i, count);
      d0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + i), x0, d0);
      n0 = _mm512_fmadd_ps(x0, x0, n0);
    }
    float dot = _mm512_reduce_add_ps(_mm512_add_ps(d0, d1));
    float norm = _mm512_reduce_add_ps(_mm512_add_ps(n0, n1));
    out[j] = qk_cosine_finish_f16(dot, q_norm_sq, norm, q, x, dim);
  }
}

const qk_kernel_table qk_avx512_table =
    QK_KERNEL_TABLE(avx512, qk_pq8_scan_unrolled, qk_pq4_scan_unrolled, qk_avx512_pq4_fast_scan);
#endif
