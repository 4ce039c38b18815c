// AVX2 + FMA (+ F16C for half-precision points) kernels (x86-64), with vmaskmov loads for
// dimension tails so nothing is read past the end of a vector.
//
// Summation order: every float32 and SQ8 distance of this path is summed the same way whatever
// the row's position in a call (alone, inside a group of rows, a leftover row, a streamed row, a
// cell of a many-to-many tile), so a (query, row) pair always gives the same bits. The dimension
// is cut into chunks of 8 floats (the last one zero-padded by a masked load), chunk k is added
// into accumulator k mod 2 with one fused multiply-add per lane, and the result is
// reduce(acc₀ + acc₁) (`reduce`, the same lane pattern as `hsum4`). Only the interleaving of
// independent rows differs between the shapes: four points per one-to-many pass (eight chains:
// FMA latency × two FMA pipes; two for the fused cosine), 2 queries × 2 points tiles for the
// block (eight accumulators of the sixteen ymm registers).
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

/// The lanes of the chunk at `i` that lie inside the dimension (i < dim).
static inline QK_AVX2 __m256i chunk_mask(size_t dim, size_t i) {
  return tail_mask(dim - i >= 8 ? 8 : dim - i);
}

/// The four horizontal sums of a, b, c, d as one vector (a's sum in lane 0): adjacent pairs,
/// then pairs of pairs, then the two halves.
static inline QK_AVX2 __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
  __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/// The horizontal sum of v in exactly the order of `hsum4`'s lanes.
static inline QK_AVX2 float reduce(__m256 v) {
  __m128 low = _mm256_castps256_ps128(v), high = _mm256_extractf128_ps(v, 1);
  low = _mm_hadd_ps(low, low);
  high = _mm_hadd_ps(high, high);
  return _mm_cvtss_f32(_mm_add_ss(_mm_hadd_ps(low, low), _mm_hadd_ps(high, high)));
}

/// Chunk loaders for the shared macros: whole chunks load plainly (vmaskmov is slower), the last
/// chunk of a vector through its mask; both give the same lanes.
#define FULL_LOAD(pointer, mask) _mm256_loadu_ps(pointer)
#define MASK_LOAD(pointer, mask) _mm256_maskload_ps(pointer, mask)

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    __m256 d_ = _mm256_sub_ps(x, y);                                                           \
    acc = _mm256_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define DOT_STEP(acc, x, y) acc = _mm256_fmadd_ps(x, y, acc)

// ---- one-to-one ---------------------------------------------------------------------------

/// One vector pair in the path's order: even chunks into s0, odd chunks into s1.
#define ONE_TO_ONE(name, STEP)                                                                 \
  static QK_AVX2 float name(const float *a, const float *b, size_t dim) {                      \
    __m256 s0 = _mm256_setzero_ps(), s1 = s0;                                                  \
    size_t i = 0;                                                                              \
    for (; i + 16 <= dim; i += 16) {                                                           \
      STEP(s0, _mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));                                \
      STEP(s1, _mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));                        \
    }                                                                                          \
    if (i < dim) {                                                                             \
      __m256i m = chunk_mask(dim, i);                                                          \
      STEP(s0, _mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));                    \
      if ((i += 8) < dim) {                                                                    \
        m = tail_mask(dim - i);                                                                \
        STEP(s1, _mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m));                  \
      }                                                                                        \
    }                                                                                          \
    return reduce(_mm256_add_ps(s0, s1));                                                      \
  }

ONE_TO_ONE(avx2_l2sq, L2_STEP)
ONE_TO_ONE(avx2_dot, DOT_STEP)

static QK_AVX2 float avx2_norm_sq(const float *a, size_t dim) { return avx2_dot(a, a, dim); }

/// The three sums of a cosine (a·b, a·a, b·b) in one pass, each in the path's order.
static QK_AVX2 float avx2_cosine(const float *a, const float *b, size_t dim) {
  __m256 d0 = _mm256_setzero_ps(), d1 = d0, na0 = d0, na1 = d0, nb0 = d0, nb1 = d0;
#define COSINE_CHUNK(LOAD, d, na, nb, i, m)                                                    \
  do {                                                                                         \
    __m256 x = LOAD(a + (i), m), y = LOAD(b + (i), m);                                         \
    d = _mm256_fmadd_ps(x, y, d);                                                              \
    na = _mm256_fmadd_ps(x, x, na);                                                            \
    nb = _mm256_fmadd_ps(y, y, nb);                                                            \
  } while (0)
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    COSINE_CHUNK(FULL_LOAD, d0, na0, nb0, i, 0);
    COSINE_CHUNK(FULL_LOAD, d1, na1, nb1, i + 8, 0);
  }
  if (i < dim) {
    COSINE_CHUNK(MASK_LOAD, d0, na0, nb0, i, chunk_mask(dim, i));
    if (i + 8 < dim) COSINE_CHUNK(MASK_LOAD, d1, na1, nb1, i + 8, tail_mask(dim - i - 8));
  }
#undef COSINE_CHUNK
  float dot = reduce(_mm256_add_ps(d0, d1));
  float na = reduce(_mm256_add_ps(na0, na1));
  float nb = reduce(_mm256_add_ps(nb0, nb1));
  return qk_cosine_finish(dot, na, nb, a, b, dim);
}

// ---- one-to-many: four points per pass, two accumulators each -----------------------------

/// STEP of query register y against the four point registers x0..x3, into acc0..acc3.
#define STEP4(STEP, acc, y)                                                                    \
  do {                                                                                         \
    STEP(acc##0, y, x0);                                                                       \
    STEP(acc##1, y, x1);                                                                       \
    STEP(acc##2, y, x2);                                                                       \
    STEP(acc##3, y, x3);                                                                       \
  } while (0)

/// The chunk at i (lanes `mask`) of the query and of the four points p0..p3, into acc0..acc3.
#define CHUNK4(STEP, acc, mask, i)                                                             \
  do {                                                                                         \
    __m256 x0 = _mm256_maskload_ps(p0 + (i), mask), x1 = _mm256_maskload_ps(p1 + (i), mask);   \
    __m256 x2 = _mm256_maskload_ps(p2 + (i), mask), x3 = _mm256_maskload_ps(p3 + (i), mask);   \
    __m256 y = _mm256_maskload_ps(q + (i), mask);                                              \
    STEP4(STEP, acc, y);                                                                       \
  } while (0)

#define BATCH(name, STEP, one_to_one)                                                          \
  static QK_AVX2 void name(const float *q, const float *p, size_t n, size_t dim, float *out) { \
    if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {         \
      for (size_t j = 0; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                 \
      return;                                                                                  \
    }                                                                                          \
    size_t j = 0;                                                                              \
    for (; j + 4 <= n; j += 4) {                                                               \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m256 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      size_t i = 0;                                                                            \
      for (; i + 16 <= dim; i += 16) {                                                         \
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
      if (i < dim) {                                                                           \
        CHUNK4(STEP, s, chunk_mask(dim, i), i);                                                \
        if (i + 8 < dim) CHUNK4(STEP, t, tail_mask(dim - i - 8), i + 8);                       \
      }                                                                                        \
      __m128 r = hsum4(_mm256_add_ps(s0, t0), _mm256_add_ps(s1, t1), _mm256_add_ps(s2, t2),    \
                       _mm256_add_ps(s3, t3));                                                 \
      _mm_storeu_ps(out + j, r);                                                               \
    }                                                                                          \
    for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                               \
  }

BATCH(avx2_l2sq_batch, L2_STEP, avx2_l2sq)
BATCH(avx2_dot_batch, DOT_STEP, avx2_dot)

static QK_AVX2 void avx2_norm_sq_batch(const float *p, size_t n, size_t dim, float *out) {
  for (size_t j = 0; j < n; j++) out[j] = avx2_dot(p + j * dim, p + j * dim, dim);
}

/// The cosine distance of q (squared norm q_norm_sq) and one point x, q·x and ‖x‖² in one pass.
static inline QK_AVX2 float cosine_one(const float *q, const float *x, size_t dim,
                                       float q_norm_sq) {
  __m256 d0 = _mm256_setzero_ps(), d1 = d0, n0 = d0, n1 = d0;
#define COSINE_CHUNK(LOAD, d, n, i, m)                                                         \
  do {                                                                                         \
    __m256 x_ = LOAD(x + (i), m);                                                              \
    d = _mm256_fmadd_ps(LOAD(q + (i), m), x_, d);                                              \
    n = _mm256_fmadd_ps(x_, x_, n);                                                            \
  } while (0)
  size_t i = 0;
  for (; i + 16 <= dim; i += 16) {
    COSINE_CHUNK(FULL_LOAD, d0, n0, i, 0);
    COSINE_CHUNK(FULL_LOAD, d1, n1, i + 8, 0);
  }
  if (i < dim) {
    COSINE_CHUNK(MASK_LOAD, d0, n0, i, chunk_mask(dim, i));
    if (i + 8 < dim) COSINE_CHUNK(MASK_LOAD, d1, n1, i + 8, tail_mask(dim - i - 8));
  }
#undef COSINE_CHUNK
  float dot = reduce(_mm256_add_ps(d0, d1));
  float norm = reduce(_mm256_add_ps(n0, n1));
  return qk_cosine_finish(dot, q_norm_sq, norm, q, x, dim);
}

/// Two points at once (two accumulators each for the dot product and the norm: eight of the
/// sixteen ymm registers); calls over 1 MiB stream one point at a time.
static QK_AVX2 void avx2_cosine_batch(const float *q, const float *p, size_t n, size_t dim,
                                      float *out) {
  float q_norm_sq = avx2_dot(q, q, dim);
  size_t j = 0;
  if (!(dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES)) {
    for (; j + 2 <= n; j += 2) {
      const float *x0 = p + j * dim, *x1 = x0 + dim;
      __m256 d0 = _mm256_setzero_ps(), e0 = d0, n0 = d0, o0 = d0;
      __m256 d1 = d0, e1 = d0, n1 = d0, o1 = d0;
#define COSINE2_CHUNK(LOAD, dot0, norm0, dot1, norm1, i, m)                                    \
  do {                                                                                         \
    __m256 qv = LOAD(q + (i), m), a_ = LOAD(x0 + (i), m), b_ = LOAD(x1 + (i), m);              \
    dot0 = _mm256_fmadd_ps(qv, a_, dot0);                                                      \
    norm0 = _mm256_fmadd_ps(a_, a_, norm0);                                                    \
    dot1 = _mm256_fmadd_ps(qv, b_, dot1);                                                      \
    norm1 = _mm256_fmadd_ps(b_, b_, norm1);                                                    \
  } while (0)
      size_t i = 0;
      for (; i + 16 <= dim; i += 16) {
        COSINE2_CHUNK(FULL_LOAD, d0, n0, d1, n1, i, 0);
        COSINE2_CHUNK(FULL_LOAD, e0, o0, e1, o1, i + 8, 0);
      }
      if (i < dim) {
        COSINE2_CHUNK(MASK_LOAD, d0, n0, d1, n1, i, chunk_mask(dim, i));
        if (i + 8 < dim) COSINE2_CHUNK(MASK_LOAD, e0, o0, e1, o1, i + 8, tail_mask(dim - i - 8));
      }
#undef COSINE2_CHUNK
      out[j] = qk_cosine_finish(reduce(_mm256_add_ps(d0, e0)), q_norm_sq,
                                reduce(_mm256_add_ps(n0, o0)), q, x0, dim);
      out[j + 1] = qk_cosine_finish(reduce(_mm256_add_ps(d1, e1)), q_norm_sq,
                                    reduce(_mm256_add_ps(n1, o1)), q, x1, dim);
    }
  }
  for (; j < n; j++) out[j] = cosine_one(q, p + j * dim, dim, q_norm_sq);
}

// ---- many-to-many: 2×2 register tiles over L2-sized point tiles ---------------------------

/// STEP of query register y against the point registers x0, x1: even chunks into acc##0 and
/// acc##1, odd chunks (E = 2) into acc##2 and acc##3.
#define STEP2(STEP, acc, y, E)                                                                 \
  do {                                                                                         \
    if (E) {                                                                                   \
      STEP(acc##2, y, x0);                                                                     \
      STEP(acc##3, y, x1);                                                                     \
    } else {                                                                                   \
      STEP(acc##0, y, x0);                                                                     \
      STEP(acc##1, y, x1);                                                                     \
    }                                                                                          \
  } while (0)

/// One chunk of the tile: chunk at i (lanes `mask`), into the even (E = 0) or odd accumulators.
#define TILE_CHUNK(STEP, LOAD, mask, i, E)                                                     \
  do {                                                                                         \
    __m256 x0 = LOAD(p0 + (i), mask), x1 = LOAD(p1 + (i), mask);                               \
    __m256 y = LOAD(q0 + (i), mask);                                                           \
    STEP2(STEP, a, y, E);                                                                      \
    y = LOAD(q1 + (i), mask);                                                                  \
    STEP2(STEP, b, y, E);                                                                      \
  } while (0)

#define TILE(name, STEP)                                                                       \
  static QK_AVX2 void name(const float *q0, const float *q1, const float *p0,                  \
                           const float *p1, size_t dim, float *out, size_t stride,             \
                           size_t rows, size_t cols) {                                         \
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                                \
    __m256 b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                                 \
    size_t i = 0;                                                                              \
    for (; i + 16 <= dim; i += 16) {                                                           \
      TILE_CHUNK(STEP, FULL_LOAD, 0, i, 0);                                                    \
      TILE_CHUNK(STEP, FULL_LOAD, 0, i + 8, 2);                                                \
    }                                                                                          \
    if (i < dim) {                                                                             \
      TILE_CHUNK(STEP, MASK_LOAD, chunk_mask(dim, i), i, 0);                                   \
      if (i + 8 < dim) TILE_CHUNK(STEP, MASK_LOAD, tail_mask(dim - i - 8), i + 8, 2);          \
    }                                                                                          \
    __m128 r = hsum4(_mm256_add_ps(a0, a2), _mm256_add_ps(a1, a3), _mm256_add_ps(b0, b2),      \
                     _mm256_add_ps(b1, b3));                                                   \
    if (rows == 2 && cols == 2) {                                                              \
      _mm_storel_pi((__m64 *)out, r);                                                          \
      _mm_storeh_pi((__m64 *)(out + stride), r);                                               \
      return;                                                                                  \
    }                                                                                          \
    float tile[4];                                                                             \
    _mm_storeu_ps(tile, r);                                                                    \
    for (size_t row = 0; row < rows; row++)                                                    \
      for (size_t col = 0; col < cols; col++) out[row * stride + col] = tile[row * 2 + col];   \
  }

TILE(avx2_l2sq_tile, L2_STEP)
TILE(avx2_dot_tile, DOT_STEP)

/// Points per cache tile: about 256 KiB of points, a multiple of two.
static inline size_t points_per_tile(size_t dim) {
  size_t t = (256 * 1024) / (dim * sizeof(float));
  t &= ~(size_t)1;
  return t < 2 ? 2 : t;
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
        for (size_t b = pb; b < pe; b += 2) {                                                  \
          size_t cols = pe - b < 2 ? pe - b : 2;                                               \
          const float *p0 = ps + b * dim;                                                      \
          const float *p1 = cols > 1 ? p0 + dim : p0;                                          \
          tile(q0, q1, p0, p1, dim, out + a * np + b, np, rows, cols);                         \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

BLOCK(avx2_l2sq_block, avx2_l2sq_tile)
BLOCK(avx2_dot_block, avx2_dot_tile)

// ---- 8-bit scalar quantization ------------------------------------------------------------
// The same order as the float kernels: chunks of 8 codes, even chunks into one accumulator and
// odd chunks into another, whether a row is scored alone or four at a time.

/// Eight codes widened to floats; `count` < 8 reads only that many bytes (the rest are 0).
static inline QK_AVX2 __m256 load_codes(const uint8_t *c, size_t count) {
  uint64_t word = 0;
  memcpy(&word, c, count < 8 ? count : 8);
  return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)word)));
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

#define LOAD_SCALE(i, mask) _mm256_maskload_ps(scale + (i), mask)
#define NO_SCALE(i, mask) _mm256_setzero_ps()

/// The chunk at i (lanes m, `count` codes) of rows c0..c3 into acc0..acc3.
#define SQ8_CHUNK4(STEP, LOAD, scale_load, acc, i, m, count)                                   \
  do {                                                                                         \
    __m256 qv = LOAD(first + (i), m);                                                          \
    __m256 sv = scale_load(i, m);                                                              \
    STEP(acc##0, qv, sv, load_codes(c0 + (i), count));                                         \
    STEP(acc##1, qv, sv, load_codes(c1 + (i), count));                                         \
    STEP(acc##2, qv, sv, load_codes(c2 + (i), count));                                         \
    STEP(acc##3, qv, sv, load_codes(c3 + (i), count));                                         \
  } while (0)

/// One row's chunk at i (lanes m, `count` codes) into acc.
#define SQ8_CHUNK1(STEP, LOAD, scale_load, acc, i, m, count)                                   \
  STEP(acc, LOAD(first + (i), m), scale_load(i, m), load_codes(c + (i), count))

/// Runs CHUNK over the chunks of a row: pairs of whole chunks (8 codes, plain loads) into the
/// accumulators s and t, then the one or two chunks left.
#define SQ8_FOR_CHUNKS(CHUNK, STEP, scale_load, s, t)                                          \
  do {                                                                                         \
    size_t i_ = 0;                                                                             \
    for (; i_ + 16 <= dim; i_ += 16) {                                                         \
      CHUNK(STEP, FULL_LOAD, scale_load, s, i_, tail_mask(8), 8);                              \
      CHUNK(STEP, FULL_LOAD, scale_load, t, i_ + 8, tail_mask(8), 8);                          \
    }                                                                                          \
    if (i_ < dim) {                                                                            \
      size_t count_ = dim - i_ < 8 ? dim - i_ : 8;                                             \
      CHUNK(STEP, MASK_LOAD, scale_load, s, i_, tail_mask(count_), count_);                    \
      if (i_ + 8 < dim) {                                                                      \
        count_ = dim - i_ - 8;                                                                 \
        CHUNK(STEP, MASK_LOAD, scale_load, t, i_ + 8, tail_mask(count_), count_);              \
      }                                                                                        \
    }                                                                                          \
  } while (0)

/// One row's scan (codes c), in the same order as four rows at once.
#define SQ8_ROW(name, STEP, scale_load)                                                        \
  static inline QK_AVX2 float name(const float *first, const float *scale, const uint8_t *c,   \
                                   size_t dim) {                                               \
    (void)scale;                                                                               \
    __m256 s = _mm256_setzero_ps(), t = s;                                                     \
    SQ8_FOR_CHUNKS(SQ8_CHUNK1, STEP, scale_load, s, t);                                        \
    return reduce(_mm256_add_ps(s, t));                                                        \
  }

SQ8_ROW(sq8_l2_row, SQ8_L2_STEP, LOAD_SCALE)
SQ8_ROW(sq8_sum_row, SQ8_SUM_STEP, NO_SCALE)

#define SQ8_BATCH(name, STEP, scale_load, row)                                                 \
  static QK_AVX2 void name(const float *first, const float *scale, const uint8_t *codes,       \
                           size_t n, size_t dim, float *out) {                                 \
    (void)scale;                                                                               \
    size_t j = 0;                                                                              \
    for (; j + 4 <= n; j += 4) {                                                               \
      const uint8_t *c0 = codes + j * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;     \
      __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m256 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      SQ8_FOR_CHUNKS(SQ8_CHUNK4, STEP, scale_load, s, t);                                      \
      _mm_storeu_ps(out + j, hsum4(_mm256_add_ps(s0, t0), _mm256_add_ps(s1, t1),               \
                                   _mm256_add_ps(s2, t2), _mm256_add_ps(s3, t3)));             \
    }                                                                                          \
    for (; j < n; j++) out[j] = row(first, scale, codes + j * dim, dim);                       \
  }

SQ8_BATCH(sq8_l2sq_rows, SQ8_L2_STEP, LOAD_SCALE, sq8_l2_row)
SQ8_BATCH(sq8_weighted_sum_rows, SQ8_SUM_STEP, NO_SCALE, sq8_sum_row)

static QK_AVX2 void avx2_sq8_l2sq_batch(const float *qo, const float *scale,
                                        const uint8_t *codes, size_t n, size_t dim, float *out) {
  sq8_l2sq_rows(qo, scale, codes, n, dim, out);
}

static QK_AVX2 void avx2_sq8_weighted_sum_batch(const float *w, const uint8_t *codes, size_t n,
                                                size_t dim, float *out) {
  sq8_weighted_sum_rows(w, 0, codes, n, dim, out);
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
    return reduce(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));                \
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
    float dot = reduce(_mm256_add_ps(d0, d1)), norm = reduce(_mm256_add_ps(n0, n1));
    out[j] = qk_cosine_finish_f16(dot, q_norm_sq, norm, q, x, dim);
  }
}

const qk_kernel_table qk_avx2_table =
    QK_KERNEL_TABLE(avx2, qk_pq8_scan_unrolled, qk_pq4_scan_unrolled, qk_avx2_pq4_fast_scan);
#endif
