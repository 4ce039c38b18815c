// AVX-512F kernels (x86-64). Every function carries its own target attribute, so the file builds
// with the package's default flags and runs only when dispatch.c has seen AVX-512F.
//
// Summation order: every float32 and SQ8 distance of this path is summed the same way whatever
// the row's position in a call (alone, inside a group of rows, a leftover row, a streamed row, a
// cell of a many-to-many tile), so a (query, row) pair always gives the same bits. The dimension
// is cut into chunks of 16 floats (the last one zero-padded by a masked load), chunk k is added
// into accumulator k mod 2 with one fused multiply-add per lane, and the result is
// reduce(acc₀ + acc₁) (`reduce`, the same lane pattern as `hsum4`). Only the interleaving of
// independent rows differs between the shapes: one-to-many scans run four points at once so each
// query load feeds four points; the many-to-many block computes 4 queries × 2 points (sixteen
// accumulators) and walks the points in tiles that stay in L2.
#if defined(__x86_64__)
#include "kernel_table.h"
#include <immintrin.h>
#include <string.h>

#define QK_AVX512 __attribute__((target("avx512f,avx2,fma")))

static inline QK_AVX512 __mmask16 tail_mask(size_t tail) {
  return (__mmask16)((1u << tail) - 1u);
}

/// The lanes of the chunk at `i` that lie inside the dimension (i < dim).
static inline QK_AVX512 __mmask16 chunk_mask(size_t dim, size_t i) {
  return dim - i >= 16 ? (__mmask16)0xFFFF : tail_mask(dim - i);
}

static inline QK_AVX512 __m256 fold256(__m512 v) {
  return _mm256_add_ps(_mm512_castps512_ps256(v),
                       _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

/// The four horizontal sums of a, b, c, d as one vector (a's sum in lane 0): lanes i and i + 8
/// first, then adjacent pairs, then pairs of pairs, then the two halves.
static inline QK_AVX512 __m128 hsum4(__m512 a, __m512 b, __m512 c, __m512 d) {
  __m256 ab = _mm256_hadd_ps(fold256(a), fold256(b));
  __m256 cd = _mm256_hadd_ps(fold256(c), fold256(d));
  __m256 abcd = _mm256_hadd_ps(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/// The horizontal sum of v in exactly the order of `hsum4`'s lanes.
static inline QK_AVX512 float reduce(__m512 v) {
  __m256 f = fold256(v);
  __m128 low = _mm256_castps256_ps128(f), high = _mm256_extractf128_ps(f, 1);
  low = _mm_hadd_ps(low, low);
  high = _mm_hadd_ps(high, high);
  return _mm_cvtss_f32(_mm_add_ss(_mm_hadd_ps(low, low), _mm_hadd_ps(high, high)));
}

/// Chunk loaders for the shared macros: whole chunks load plainly (masked loads stream from
/// memory at a fraction of the speed here), the last chunk of a vector through its mask; both give
/// the same lanes.
#define FULL_LOAD(pointer, mask) _mm512_loadu_ps(pointer)
#define MASK_LOAD(pointer, mask) _mm512_maskz_loadu_ps(mask, pointer)

/// Runs CHUNK(STEP, LOAD, E, i, mask) over the chunks of a vector of `dim` floats: pairs of
/// whole chunks (even E = 0, odd E = 1) with plain loads, then the one or two chunks left with
/// masked loads.
#define FOR_CHUNKS(CHUNK, STEP)                                                                \
  do {                                                                                         \
    size_t i_ = 0;                                                                             \
    for (; i_ + 32 <= dim; i_ += 32) {                                                         \
      CHUNK(STEP, FULL_LOAD, 0, i_, 0);                                                        \
      CHUNK(STEP, FULL_LOAD, 1, i_ + 16, 0);                                                   \
    }                                                                                          \
    if (i_ < dim) {                                                                            \
      CHUNK(STEP, MASK_LOAD, 0, i_, chunk_mask(dim, i_));                                      \
      if (i_ + 16 < dim) CHUNK(STEP, MASK_LOAD, 1, i_ + 16, tail_mask(dim - i_ - 16));         \
    }                                                                                          \
  } while (0)

#define L2_STEP(acc, x, y)                                                                     \
  do {                                                                                         \
    __m512 d_ = _mm512_sub_ps(x, y);                                                           \
    acc = _mm512_fmadd_ps(d_, d_, acc);                                                        \
  } while (0)
#define DOT_STEP(acc, x, y) acc = _mm512_fmadd_ps(x, y, acc)

// ---- one-to-one ---------------------------------------------------------------------------

/// One vector pair in the path's order: even chunks into s0, odd chunks into s1.
#define ONE_TO_ONE(name, STEP)                                                                 \
  static QK_AVX512 float name(const float *a, const float *b, size_t dim) {                    \
    __m512 s0 = _mm512_setzero_ps(), s1 = s0;                                                  \
    size_t i = 0;                                                                              \
    for (; i + 32 <= dim; i += 32) {                                                           \
      STEP(s0, _mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));                                \
      STEP(s1, _mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));                      \
    }                                                                                          \
    if (i < dim) {                                                                             \
      __mmask16 m = chunk_mask(dim, i);                                                        \
      STEP(s0, _mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));              \
      if ((i += 16) < dim) {                                                                   \
        m = tail_mask(dim - i);                                                                \
        STEP(s1, _mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i));            \
      }                                                                                        \
    }                                                                                          \
    return reduce(_mm512_add_ps(s0, s1));                                                      \
  }

ONE_TO_ONE(avx512_l2sq, L2_STEP)
ONE_TO_ONE(avx512_dot, DOT_STEP)

static QK_AVX512 float avx512_norm_sq(const float *a, size_t dim) { return avx512_dot(a, a, dim); }

/// The three sums of a cosine (a·b, a·a, b·b) in one pass, each in the path's order.
static QK_AVX512 float avx512_cosine(const float *a, const float *b, size_t dim) {
  __m512 d0 = _mm512_setzero_ps(), d1 = d0, na0 = d0, na1 = d0, nb0 = d0, nb1 = d0;
#define COSINE_CHUNK(STEP, LOAD, E, i, m)                                                      \
  do {                                                                                         \
    __m512 x = LOAD(a + (i), m), y = LOAD(b + (i), m);                                         \
    if (E) {                                                                                   \
      d1 = _mm512_fmadd_ps(x, y, d1);                                                          \
      na1 = _mm512_fmadd_ps(x, x, na1);                                                        \
      nb1 = _mm512_fmadd_ps(y, y, nb1);                                                        \
    } else {                                                                                   \
      d0 = _mm512_fmadd_ps(x, y, d0);                                                          \
      na0 = _mm512_fmadd_ps(x, x, na0);                                                        \
      nb0 = _mm512_fmadd_ps(y, y, nb0);                                                        \
    }                                                                                          \
  } while (0)
  FOR_CHUNKS(COSINE_CHUNK, 0);
#undef COSINE_CHUNK
  float dot = reduce(_mm512_add_ps(d0, d1));
  float na = reduce(_mm512_add_ps(na0, na1));
  float nb = reduce(_mm512_add_ps(nb0, nb1));
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

/// Loads the chunk at i of the four points p0..p3 (lanes in `mask`) into x0..x3.
#define LOAD4(LOAD, mask, i)                                                                   \
  __m512 x0 = LOAD(p0 + (i), mask), x1 = LOAD(p1 + (i), mask);                                 \
  __m512 x2 = LOAD(p2 + (i), mask), x3 = LOAD(p3 + (i), mask)

/// One chunk of four points: even chunks (E = 0) into s0..s3, odd ones into t0..t3.
#define BATCH_CHUNK(STEP, LOAD, E, i, m)                                                       \
  do {                                                                                         \
    LOAD4(LOAD, m, i);                                                                         \
    __m512 y = LOAD(q + (i), m);                                                               \
    if (E) STEP4(STEP, t, y);                                                                  \
    else STEP4(STEP, s, y);                                                                    \
  } while (0)

#define BATCH(name, STEP, one_to_one)                                                          \
  static QK_AVX512 void name(const float *q, const float *p, size_t n, size_t dim, float *out) { \
    if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {         \
      for (size_t j = 0; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                 \
      return;                                                                                  \
    }                                                                                          \
    size_t j = 0;                                                                              \
    for (; j + 4 <= n; j += 4) {                                                               \
      const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;           \
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m512 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      FOR_CHUNKS(BATCH_CHUNK, STEP);                                                           \
      __m128 r = hsum4(_mm512_add_ps(s0, t0), _mm512_add_ps(s1, t1), _mm512_add_ps(s2, t2),    \
                       _mm512_add_ps(s3, t3));                                                 \
      _mm_storeu_ps(out + j, r);                                                               \
    }                                                                                          \
    for (; j < n; j++) out[j] = one_to_one(q, p + j * dim, dim);                               \
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
#define COSINE_CHUNK(STEP, LOAD, E, i, m)                                                      \
  do {                                                                                         \
    __m512 x_ = LOAD(x + (i), m), q_ = LOAD(q + (i), m);                                       \
    if (E) {                                                                                   \
      d1 = _mm512_fmadd_ps(q_, x_, d1);                                                        \
      n1 = _mm512_fmadd_ps(x_, x_, n1);                                                        \
    } else {                                                                                   \
      d0 = _mm512_fmadd_ps(q_, x_, d0);                                                        \
      n0 = _mm512_fmadd_ps(x_, x_, n0);                                                        \
    }                                                                                          \
  } while (0)
  FOR_CHUNKS(COSINE_CHUNK, 0);
#undef COSINE_CHUNK
  float dot = reduce(_mm512_add_ps(d0, d1));
  float norm = reduce(_mm512_add_ps(n0, n1));
  return qk_cosine_finish(dot, q_norm_sq, norm, q, x, dim);
}

static QK_AVX512 void avx512_cosine_batch(const float *q, const float *p, size_t n, size_t dim,
                                          float *out) {
  float q_norm_sq = avx512_dot(q, q, dim);
  if (dim >= QK_STREAMING_MIN_DIM && n * dim * sizeof(float) > QK_STREAMING_BYTES) {
    for (size_t j = 0; j < n; j++) out[j] = cosine_one(q, p + j * dim, dim, q_norm_sq);
    return;
  }
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const float *p0 = p + j * dim, *p1 = p0 + dim, *p2 = p1 + dim, *p3 = p2 + dim;
    // Even chunks into d/n, odd chunks into e/o.
    __m512 d0 = _mm512_setzero_ps(), d1 = d0, d2 = d0, d3 = d0, n0 = d0, n1 = d0, n2 = d0,
           n3 = d0;
    __m512 e0 = d0, e1 = d0, e2 = d0, e3 = d0, o0 = d0, o1 = d0, o2 = d0, o3 = d0;
#define COSINE4_CHUNK(STEP, LOAD, E, i, m)                                                     \
  do {                                                                                         \
    LOAD4(LOAD, m, i);                                                                         \
    __m512 qv = LOAD(q + (i), m);                                                              \
    if (E) {                                                                                   \
      e0 = _mm512_fmadd_ps(qv, x0, e0);                                                        \
      o0 = _mm512_fmadd_ps(x0, x0, o0);                                                        \
      e1 = _mm512_fmadd_ps(qv, x1, e1);                                                        \
      o1 = _mm512_fmadd_ps(x1, x1, o1);                                                        \
      e2 = _mm512_fmadd_ps(qv, x2, e2);                                                        \
      o2 = _mm512_fmadd_ps(x2, x2, o2);                                                        \
      e3 = _mm512_fmadd_ps(qv, x3, e3);                                                        \
      o3 = _mm512_fmadd_ps(x3, x3, o3);                                                        \
    } else {                                                                                   \
      QK_COSINE4_STEP(_mm512_fmadd_ps, qv, x0, x1, x2, x3);                                    \
    }                                                                                          \
  } while (0)
    FOR_CHUNKS(COSINE4_CHUNK, 0);
#undef COSINE4_CHUNK
    __m128 dots = hsum4(_mm512_add_ps(d0, e0), _mm512_add_ps(d1, e1), _mm512_add_ps(d2, e2),
                        _mm512_add_ps(d3, e3));
    __m128 norms = hsum4(_mm512_add_ps(n0, o0), _mm512_add_ps(n1, o1), _mm512_add_ps(n2, o2),
                         _mm512_add_ps(n3, o3));
    qk_cosine_finish4(dots, norms, q_norm_sq, q, p0, dim, 4, out + j);
  }
  for (; j < n; j++) out[j] = cosine_one(q, p + j * dim, dim, q_norm_sq);
}

// ---- many-to-many: 4 × 2 register tiles over L2-sized point tiles -------------------------

/// Stores the valid `rows × cols` corner of a 4×2 result tile at out (row stride `stride`);
/// r01 holds rows 0 and 1 (two lanes each), r23 rows 2 and 3.
static inline QK_AVX512 void store_tile(float *out, size_t stride, size_t rows, size_t cols,
                                        __m128 r01, __m128 r23) {
  float tile[8];
  _mm_storeu_ps(tile, r01);
  _mm_storeu_ps(tile + 4, r23);
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) out[r * stride + c] = tile[r * 2 + c];
}

/// STEP of query register y against the point registers x0, x1: even chunks into acc##0 and
/// acc##1, odd chunks (E = 1) into acc##2 and acc##3.
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

/// One chunk of the tile: chunk at i (lanes `mask`), into the even (E = 0) or odd (E = 1)
/// accumulators.
#define TILE_CHUNK(STEP, LOAD, E, i, mask)                                                     \
  do {                                                                                         \
    __m512 x0 = LOAD(p0 + (i), mask), x1 = LOAD(p1 + (i), mask);                               \
    __m512 y = LOAD(q0 + (i), mask);                                                           \
    STEP2(STEP, a, y, E);                                                                      \
    y = LOAD(q1 + (i), mask);                                                                  \
    STEP2(STEP, b, y, E);                                                                      \
    y = LOAD(q2 + (i), mask);                                                                  \
    STEP2(STEP, c, y, E);                                                                      \
    y = LOAD(q3 + (i), mask);                                                                  \
    STEP2(STEP, e, y, E);                                                                      \
  } while (0)

#define TILE(name, STEP)                                                                       \
  static QK_AVX512 void name(const float *q0, const float *q1, const float *q2,                \
                             const float *q3, const float *p0, const float *p1, size_t dim,    \
                             float *out, size_t stride, size_t rows, size_t cols) {            \
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0,     \
           b3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;    \
    FOR_CHUNKS(TILE_CHUNK, STEP);                                                              \
    __m128 r01 = hsum4(_mm512_add_ps(a0, a2), _mm512_add_ps(a1, a3), _mm512_add_ps(b0, b2),    \
                       _mm512_add_ps(b1, b3));                                                 \
    __m128 r23 = hsum4(_mm512_add_ps(c0, c2), _mm512_add_ps(c1, c3), _mm512_add_ps(e0, e2),    \
                       _mm512_add_ps(e1, e3));                                                 \
    if (rows == 4 && cols == 2) {                                                              \
      _mm_storel_pi((__m64 *)out, r01);                                                        \
      _mm_storeh_pi((__m64 *)(out + stride), r01);                                             \
      _mm_storel_pi((__m64 *)(out + 2 * stride), r23);                                         \
      _mm_storeh_pi((__m64 *)(out + 3 * stride), r23);                                         \
    } else {                                                                                   \
      store_tile(out, stride, rows, cols, r01, r23);                                           \
    }                                                                                          \
  }

TILE(avx512_l2sq_tile, L2_STEP)
TILE(avx512_dot_tile, DOT_STEP)

/// Points per cache tile: about 256 KiB of points, a multiple of two.
static inline size_t points_per_tile(size_t dim) {
  size_t t = (256 * 1024) / (dim * sizeof(float));
  t &= ~(size_t)1;
  return t < 2 ? 2 : t;
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
        for (size_t b = pb; b < pe; b += 2) {                                                  \
          size_t cols = pe - b < 2 ? pe - b : 2;                                               \
          const float *p0 = ps + b * dim;                                                      \
          const float *p1 = cols > 1 ? p0 + dim : p0;                                          \
          tile(q0, q1, q2, q3, p0, p1, dim, out + a * np + b, np, rows, cols);                 \
        }                                                                                      \
      }                                                                                        \
    }                                                                                          \
  }

BLOCK(avx512_l2sq_block, avx512_l2sq_tile)
BLOCK(avx512_dot_block, avx512_dot_tile)

// ---- 8-bit scalar quantization ------------------------------------------------------------
// The same order as the float kernels: chunks of 16 codes, even chunks into one accumulator and
// odd chunks into another, whether a row is scored alone or four at a time.

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

#define LOAD_SCALE(i, mask) _mm512_maskz_loadu_ps((__mmask16)(mask), scale + (i))
#define NO_SCALE(i, mask) _mm512_setzero_ps()

/// The chunk at i (lanes m, `count` codes) of rows c0..c3 into acc0..acc3.
#define SQ8_CHUNK4(STEP, LOAD, scale_load, acc, i, m, count)                                   \
  do {                                                                                         \
    __m512 qv = LOAD(first + (i), m);                                                          \
    __m512 sv = scale_load(i, m);                                                              \
    STEP(acc##0, qv, sv, load_codes(c0 + (i), count));                                         \
    STEP(acc##1, qv, sv, load_codes(c1 + (i), count));                                         \
    STEP(acc##2, qv, sv, load_codes(c2 + (i), count));                                         \
    STEP(acc##3, qv, sv, load_codes(c3 + (i), count));                                         \
  } while (0)

/// One row's chunk at i (lanes m, `count` codes) into acc.
#define SQ8_CHUNK1(STEP, LOAD, scale_load, acc, i, m, count)                                   \
  STEP(acc, LOAD(first + (i), m), scale_load(i, m), load_codes(c + (i), count))

/// Runs CHUNK over the chunks of a row: pairs of whole chunks (16 codes, plain loads) into the
/// accumulators s and t, then the one or two chunks left.
#define SQ8_FOR_CHUNKS(CHUNK, STEP, scale_load, s, t)                                          \
  do {                                                                                         \
    size_t i_ = 0;                                                                             \
    for (; i_ + 32 <= dim; i_ += 32) {                                                         \
      CHUNK(STEP, FULL_LOAD, scale_load, s, i_, (__mmask16)0xFFFF, 16);                        \
      CHUNK(STEP, FULL_LOAD, scale_load, t, i_ + 16, (__mmask16)0xFFFF, 16);                   \
    }                                                                                          \
    if (i_ < dim) {                                                                            \
      size_t count_ = dim - i_ < 16 ? dim - i_ : 16;                                           \
      CHUNK(STEP, MASK_LOAD, scale_load, s, i_, tail_mask(count_), count_);                    \
      if (i_ + 16 < dim) {                                                                     \
        count_ = dim - i_ - 16;                                                                \
        CHUNK(STEP, MASK_LOAD, scale_load, t, i_ + 16, tail_mask(count_), count_);             \
      }                                                                                        \
    }                                                                                          \
  } while (0)

/// One row's scan (codes c), in the same order as four rows at once.
#define SQ8_ROW(name, STEP, scale_load)                                                        \
  static inline QK_AVX512 float name(const float *first, const float *scale, const uint8_t *c, \
                                     size_t dim) {                                             \
    (void)scale;                                                                               \
    __m512 s = _mm512_setzero_ps(), t = s;                                                     \
    SQ8_FOR_CHUNKS(SQ8_CHUNK1, STEP, scale_load, s, t);                                        \
    return reduce(_mm512_add_ps(s, t));                                                        \
  }

SQ8_ROW(sq8_l2_row, SQ8_L2_STEP, LOAD_SCALE)
SQ8_ROW(sq8_sum_row, SQ8_SUM_STEP, NO_SCALE)

#define SQ8_BATCH(name, STEP, scale_load, row)                                                 \
  static QK_AVX512 void name(const float *first, const float *scale, const uint8_t *codes,     \
                             size_t n, size_t dim, float *out) {                               \
    (void)scale;                                                                               \
    size_t j = 0;                                                                              \
    for (; j + 4 <= n; j += 4) {                                                               \
      const uint8_t *c0 = codes + j * dim, *c1 = c0 + dim, *c2 = c1 + dim, *c3 = c2 + dim;     \
      __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;                              \
      __m512 t0 = s0, t1 = s0, t2 = s0, t3 = s0;                                               \
      SQ8_FOR_CHUNKS(SQ8_CHUNK4, STEP, scale_load, s, t);                                      \
      _mm_storeu_ps(out + j, hsum4(_mm512_add_ps(s0, t0), _mm512_add_ps(s1, t1),               \
                                   _mm512_add_ps(s2, t2), _mm512_add_ps(s3, t3)));             \
    }                                                                                          \
    for (; j < n; j++) out[j] = row(first, scale, codes + j * dim, dim);                       \
  }

SQ8_BATCH(sq8_l2sq_rows, SQ8_L2_STEP, LOAD_SCALE, sq8_l2_row)
SQ8_BATCH(sq8_weighted_sum_rows, SQ8_SUM_STEP, NO_SCALE, sq8_sum_row)

static QK_AVX512 void avx512_sq8_l2sq_batch(const float *qo, const float *scale,
                                            const uint8_t *codes, size_t n, size_t dim,
                                            float *out) {
  sq8_l2sq_rows(qo, scale, codes, n, dim, out);
}

static QK_AVX512 void avx512_sq8_weighted_sum_batch(const float *w, const uint8_t *codes,
                                                    size_t n, size_t dim, float *out) {
  sq8_weighted_sum_rows(w, 0, codes, n, dim, out);
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
