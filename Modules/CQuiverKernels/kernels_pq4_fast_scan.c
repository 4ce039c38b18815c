// Fast-scan 4-bit PQ: codes in blocks of 32 rows, the per-query lookup table quantised to bytes
// and held in vector registers, one byte shuffle looking up 16 (SSE lane) codes at once, sums in
// 16-bit lanes. The block layout is described in quiver_kernels.h (qk_pq4_fast_scan).
//
// Every path computes the same 16-bit integer sums, so the SIMD paths match the portable one bit
// for bit. Sums wrap modulo 2^16 on every path alike; qk_pq4_quantize_lut keeps them below 0xFFFF.
#include "kernel_table.h"

/// Marks the rows of one block that `mask` leaves out (bit r clear) and copies the block's
/// `rows` sums to out.
static inline void finish_block(const uint16_t *sums, uint32_t mask, size_t rows, uint16_t *out) {
  for (size_t r = 0; r < rows; r++) out[r] = ((mask >> r) & 1) ? sums[r] : QK_PQ4_FILTERED;
}

/// The number of 32-byte sub-quantizer pairs in a block.
static inline size_t pair_count(size_t m_count) { return (m_count + 1) / 2; }

/// Runs `block_kernel(lut, block, pairs, sums)` on every block whose mask is not empty and writes
/// the sums (or QK_PQ4_FILTERED) of the block's rows to out.
#define FAST_SCAN_DRIVER(name, block_kernel)                                                    \
  void name(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,         \
                   const uint32_t *block_masks, uint16_t *out) {                                \
    size_t pairs = pair_count(m_count);                                                         \
    size_t block_bytes = pairs * 32;                                                            \
    uint16_t sums[QK_PQ4_BLOCK_ROWS];                                                           \
    for (size_t b = 0; b * QK_PQ4_BLOCK_ROWS < n; b++) {                                        \
      size_t first = b * QK_PQ4_BLOCK_ROWS;                                                     \
      size_t rows = n - first < QK_PQ4_BLOCK_ROWS ? n - first : QK_PQ4_BLOCK_ROWS;              \
      uint32_t mask = block_masks ? block_masks[b] : 0xFFFFFFFFu;                               \
      if (mask == 0) {                                                                          \
        for (size_t r = 0; r < rows; r++) out[first + r] = QK_PQ4_FILTERED;                     \
        continue;                                                                               \
      }                                                                                         \
      if (rows == QK_PQ4_BLOCK_ROWS && mask == 0xFFFFFFFFu) {                                   \
        block_kernel(lut, blocks + b * block_bytes, pairs, out + first);                        \
      } else {                                                                                  \
        block_kernel(lut, blocks + b * block_bytes, pairs, sums);                               \
        finish_block(sums, mask, rows, out + first);                                            \
      }                                                                                         \
    }                                                                                           \
  }

// ---- portable reference ----------------------------------------------------------------------

static void scalar_block(const uint8_t *lut, const uint8_t *block, size_t pairs, uint16_t *sums) {
  for (size_t r = 0; r < QK_PQ4_BLOCK_ROWS; r++) {
    uint16_t sum = 0;
    size_t byte = r & 15;
    unsigned shift = r < 16 ? 0 : 4;
    for (size_t p = 0; p < pairs; p++) {
      const uint8_t *codes = block + p * 32;
      const uint8_t *tables = lut + p * 32;
      sum = (uint16_t)(sum + tables[(codes[byte] >> shift) & 15]);
      sum = (uint16_t)(sum + tables[16 + ((codes[16 + byte] >> shift) & 15)]);
    }
    sums[r] = sum;
  }
}

FAST_SCAN_DRIVER(qk_scalar_pq4_fast_scan, scalar_block)

// ---- x86-64 ----------------------------------------------------------------------------------
#if defined(__x86_64__)
#include <immintrin.h>

#define QK_FS_AVX2 __attribute__((target("avx2")))
#define QK_FS_AVX512 __attribute__((target("avx512f,avx512bw,avx2")))

/// Adds the bytes of `looked_up` to two 16-bit accumulators: `both` takes each 16-bit lane whole
/// (even byte + 256 × odd byte), `odd` the odd bytes; store_half recovers the even sums as
/// both − 256 × odd (modulo 2^16, so exactly), which saves a mask per step.
#define WIDEN_ADD_256(both, odd, looked_up)                                                     \
  do {                                                                                          \
    both = _mm256_add_epi16(both, looked_up);                                                   \
    odd = _mm256_add_epi16(odd, _mm256_srli_epi16(looked_up, 8));                               \
  } while (0)

/// Looks up one pair of sub-quantizers (32 code bytes at `codes_at`, two 16-entry tables at
/// `tables_at`) and adds the bytes found to the low- and high-nibble accumulators.
#define PAIR_STEP_256(tables_at, codes_at, nibble, low_both, low_odd, high_both, high_odd)      \
  do {                                                                                          \
    __m256i codes_ = _mm256_loadu_si256((const __m256i *)(codes_at));                           \
    __m256i tables_ = _mm256_loadu_si256((const __m256i *)(tables_at));                         \
    __m256i low_ = _mm256_shuffle_epi8(tables_, _mm256_and_si256(codes_, nibble));              \
    __m256i high_ =                                                                             \
        _mm256_shuffle_epi8(tables_, _mm256_and_si256(_mm256_srli_epi16(codes_, 4), nibble));   \
    WIDEN_ADD_256(low_both, low_odd, low_);                                                     \
    WIDEN_ADD_256(high_both, high_odd, high_);                                                  \
  } while (0)

/// Stores the 16 sums of one half block: both/odd hold, per 128-bit lane, the accumulators of
/// WIDEN_ADD_256 for row pairs (0, 1), (2, 3), …, (14, 15) over that lane's sub-quantizers; the
/// two lanes are added.
static inline QK_FS_AVX2 void store_half(__m256i both, __m256i odd, uint16_t *sums) {
  __m256i even = _mm256_sub_epi16(both, _mm256_slli_epi16(odd, 8));
  __m128i e = _mm_add_epi16(_mm256_castsi256_si128(even), _mm256_extracti128_si256(even, 1));
  __m128i o = _mm_add_epi16(_mm256_castsi256_si128(odd), _mm256_extracti128_si256(odd, 1));
  _mm_storeu_si128((__m128i *)sums, _mm_unpacklo_epi16(e, o));
  _mm_storeu_si128((__m128i *)(sums + 8), _mm_unpackhi_epi16(e, o));
}

static QK_FS_AVX2 void avx2_block(const uint8_t *lut, const uint8_t *block, size_t pairs,
                                  uint16_t *sums) {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  __m256i low_both = _mm256_setzero_si256(), low_odd = low_both;
  __m256i high_both = low_both, high_odd = low_both;
  for (size_t p = 0; p < pairs; p++) {
    PAIR_STEP_256(lut + p * 32, block + p * 32, nibble, low_both, low_odd, high_both, high_odd);
  }
  store_half(low_both, low_odd, sums);
  store_half(high_both, high_odd, sums + 16);
}

FAST_SCAN_DRIVER(qk_avx2_pq4_fast_scan, avx2_block)

/// Two pairs (four sub-quantizers, one per 128-bit lane) per step; an odd last pair runs on
/// 256-bit registers.
static QK_FS_AVX512 void avx512_block(const uint8_t *lut, const uint8_t *block, size_t pairs,
                                      uint16_t *sums) {
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  __m512i low_both = _mm512_setzero_si512(), low_odd = low_both;
  __m512i high_both = low_both, high_odd = low_both;
  size_t p = 0;
  for (; p + 2 <= pairs; p += 2) {
    __m512i codes = _mm512_loadu_si512((const void *)(block + p * 32));
    __m512i tables = _mm512_loadu_si512((const void *)(lut + p * 32));
    __m512i low = _mm512_shuffle_epi8(tables, _mm512_and_si512(codes, nibble));
    __m512i high =
        _mm512_shuffle_epi8(tables, _mm512_and_si512(_mm512_srli_epi16(codes, 4), nibble));
    low_both = _mm512_add_epi16(low_both, low);
    low_odd = _mm512_add_epi16(low_odd, _mm512_srli_epi16(low, 8));
    high_both = _mm512_add_epi16(high_both, high);
    high_odd = _mm512_add_epi16(high_odd, _mm512_srli_epi16(high, 8));
  }
  __m256i lb = _mm256_add_epi16(_mm512_castsi512_si256(low_both),
                                _mm512_extracti64x4_epi64(low_both, 1));
  __m256i lo = _mm256_add_epi16(_mm512_castsi512_si256(low_odd),
                                _mm512_extracti64x4_epi64(low_odd, 1));
  __m256i hb = _mm256_add_epi16(_mm512_castsi512_si256(high_both),
                                _mm512_extracti64x4_epi64(high_both, 1));
  __m256i ho = _mm256_add_epi16(_mm512_castsi512_si256(high_odd),
                                _mm512_extracti64x4_epi64(high_odd, 1));
  if (p < pairs) {
    const __m256i nibble_256 = _mm256_set1_epi8(0x0F);
    PAIR_STEP_256(lut + p * 32, block + p * 32, nibble_256, lb, lo, hb, ho);
  }
  store_half(lb, lo, sums);
  store_half(hb, ho, sums + 16);
}

FAST_SCAN_DRIVER(qk_avx512_pq4_fast_scan, avx512_block)
#endif

// ---- arm64 -----------------------------------------------------------------------------------
#if defined(__aarch64__)
#include <arm_neon.h>

/// One 16-entry table per sub-quantizer (TBL on one register); rows widen straight into four
/// 8-lane accumulators, so they come out in order.
static void neon_block(const uint8_t *lut, const uint8_t *block, size_t pairs, uint16_t *sums) {
  const uint8x16_t nibble = vdupq_n_u8(0x0F);
  uint16x8_t rows0 = vdupq_n_u16(0), rows8 = rows0, rows16 = rows0, rows24 = rows0;
  for (size_t half = 0; half < pairs * 2; half++) {
    uint8x16_t codes = vld1q_u8(block + half * 16);
    uint8x16_t table = vld1q_u8(lut + half * 16);
    uint8x16_t low = vqtbl1q_u8(table, vandq_u8(codes, nibble));
    uint8x16_t high = vqtbl1q_u8(table, vshrq_n_u8(codes, 4));
    rows0 = vaddw_u8(rows0, vget_low_u8(low));
    rows8 = vaddw_high_u8(rows8, low);
    rows16 = vaddw_u8(rows16, vget_low_u8(high));
    rows24 = vaddw_high_u8(rows24, high);
  }
  vst1q_u16(sums, rows0);
  vst1q_u16(sums + 8, rows8);
  vst1q_u16(sums + 16, rows16);
  vst1q_u16(sums + 24, rows24);
}

FAST_SCAN_DRIVER(qk_neon_pq4_fast_scan, neon_block)
#endif

// ---- selecting rows under a distance threshold -----------------------------------------------

/// The portable selection of qk_pq4_select over rows [first, n), appending after `count`.
static size_t scalar_select(const uint16_t *sums, const float *terms, size_t first, size_t n,
                            float base, float scale, float threshold, int skip_filtered,
                            uint32_t *rows, float *distances, size_t count) {
  for (size_t j = first; j < n; j++) {
    // Separate statements: no contraction into a fused multiply-add on any compiler setting.
    float product = scale * (float)sums[j];
    float distance = base + product;
    if (terms) distance = distance + terms[j];
    if (distance <= threshold && !(skip_filtered && sums[j] == QK_PQ4_FILTERED)) {
      rows[count] = (uint32_t)j;
      distances[count] = distance;
      count++;
    }
  }
  return count;
}

#if defined(__x86_64__)
/// Sixteen rows a step; a step with no row under the threshold (most steps once the top-k
/// fills) only compares. Kept rows are compressed in registers and stored whole: the store
/// starts at `count` ≤ the step's first row, so it stays inside the n-entry outputs.
static QK_FS_AVX512 size_t avx512_select(const uint16_t *sums, const float *terms, size_t n,
                                         float base, float scale, float threshold,
                                         int skip_filtered, uint32_t *rows, float *distances) {
  const __m512 base_v = _mm512_set1_ps(base), scale_v = _mm512_set1_ps(scale);
  const __m512 threshold_v = _mm512_set1_ps(threshold);
  const __m512i filtered = _mm512_set1_epi32(QK_PQ4_FILTERED), step = _mm512_set1_epi32(16);
  __m512i index = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  size_t count = 0, j = 0;
  for (; j + 16 <= n; j += 16) {
    __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(sums + j)));
    __m512 distance = _mm512_add_ps(base_v, _mm512_mul_ps(scale_v, _mm512_cvtepi32_ps(wide)));
    if (terms) distance = _mm512_add_ps(distance, _mm512_loadu_ps(terms + j));
    __mmask16 keep = _mm512_cmp_ps_mask(distance, threshold_v, _CMP_LE_OQ);
    if (skip_filtered) keep &= _mm512_cmpneq_epi32_mask(wide, filtered);
    if (keep) {
      _mm512_storeu_ps(distances + count, _mm512_maskz_compress_ps(keep, distance));
      _mm512_storeu_si512((void *)(rows + count), _mm512_maskz_compress_epi32(keep, index));
      count += (size_t)__builtin_popcount(keep);
    }
    index = _mm512_add_epi32(index, step);
  }
  return scalar_select(sums, terms, j, n, base, scale, threshold, skip_filtered, rows, distances,
                       count);
}
#endif

size_t qk_pq4_select(const uint16_t *sums, const float *terms, size_t n, float base, float scale,
                     float threshold, int skip_filtered, uint32_t *rows, float *distances) {
#if defined(__x86_64__)
  if (qk_active_isa() == QK_ISA_AVX512)
    return avx512_select(sums, terms, n, base, scale, threshold, skip_filtered, rows, distances);
#endif
  return scalar_select(sums, terms, 0, n, base, scale, threshold, skip_filtered, rows, distances,
                       0);
}

// ---- layout and table preparation (portable, not per ISA) ----------------------------------

void qk_pq4_pack_blocks(const uint8_t *codes, size_t n, size_t m_count, uint8_t *blocks) {
  size_t pairs = pair_count(m_count);
  size_t row_bytes = (m_count + 1) / 2;
  size_t block_count = (n + QK_PQ4_BLOCK_ROWS - 1) / QK_PQ4_BLOCK_ROWS;
  __builtin_memset(blocks, 0, block_count * pairs * 32);
  for (size_t j = 0; j < n; j++) {
    const uint8_t *row = codes + j * row_bytes;
    uint8_t *block = blocks + (j / QK_PQ4_BLOCK_ROWS) * pairs * 32;
    size_t r = j % QK_PQ4_BLOCK_ROWS;
    unsigned shift = r < 16 ? 0 : 4;
    for (size_t m = 0; m < m_count; m++) {
      uint8_t code = (row[m / 2] >> ((m & 1) * 4)) & 15;
      block[(m / 2) * 32 + (m & 1) * 16 + (r & 15)] |= (uint8_t)(code << shift);
    }
  }
}

void qk_pq4_unpack_row(const uint8_t *blocks, size_t row, size_t m_count, uint8_t *code) {
  size_t pairs = pair_count(m_count);
  const uint8_t *block = blocks + (row / QK_PQ4_BLOCK_ROWS) * pairs * 32;
  size_t r = row % QK_PQ4_BLOCK_ROWS;
  unsigned shift = r < 16 ? 0 : 4;
  for (size_t i = 0; i < (m_count + 1) / 2; i++) code[i] = 0;
  for (size_t m = 0; m < m_count; m++) {
    uint8_t value = (block[(m / 2) * 32 + (m & 1) * 16 + (r & 15)] >> shift) & 15;
    code[m / 2] |= (uint8_t)(value << ((m & 1) * 4));
  }
}

void qk_pq4_quantize_lut(const float *lut, size_t m_count, uint8_t *out, float *scale,
                         float *bias) {
  size_t limit = 65534 / (m_count ? m_count : 1);
  float largest = (float)(limit < 255 ? limit : 255);
  float range = 0, total_minimum = 0;
  for (size_t m = 0; m < m_count; m++) {
    const float *row = lut + m * 16;
    float low = row[0], high = row[0];
    for (size_t c = 1; c < 16; c++) {
      if (row[c] < low) low = row[c];
      if (row[c] > high) high = row[c];
    }
    if (high - low > range) range = high - low;
    total_minimum += low;
  }
  float step = range > 0 ? range / largest : 0;
  float inverse = range > 0 ? largest / range : 0;
  for (size_t m = 0; m < m_count; m++) {
    const float *row = lut + m * 16;
    float low = row[0];
    for (size_t c = 1; c < 16; c++)
      if (row[c] < low) low = row[c];
    for (size_t c = 0; c < 16; c++) {
      float value = (row[c] - low) * inverse + 0.5f;
      // NaN and negative values become 0; values past the range are clamped.
      out[m * 16 + c] = value > 0 ? (uint8_t)(value < largest ? value : largest) : 0;
    }
  }
  if (m_count % 2) __builtin_memset(out + m_count * 16, 0, 16);
  *scale = step;
  *bias = total_minimum;
}
