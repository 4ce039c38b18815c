// Product-quantization scans shared by the SIMD tables. A PQ scan is a chain of dependent table
// lookups; vector gathers measured no faster than scalar loads on this class of CPU, so the win
// comes from four rows in flight (four independent add chains) and one 64-bit load per eight
// codes instead of one byte load per code.
#include "kernel_table.h"

static inline uint64_t load_u64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

/// Stores four row sums at out[0..3], or adds them to what is there when `accumulate`.
static inline void store4(float *out, float s0, float s1, float s2, float s3, int accumulate) {
  if (accumulate) {
    out[0] += s0;
    out[1] += s1;
    out[2] += s2;
    out[3] += s3;
  } else {
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
  }
}

/// Σ over eight sub-vectors starting at m of lut[(m+k)·256 + byte k of w].
#define PQ8_EIGHT(sum, w, base)                                                                  \
  do {                                                                                           \
    sum += (base)[0 * 256 + ((w) & 0xFF)] + (base)[1 * 256 + (((w) >> 8) & 0xFF)];               \
    sum += (base)[2 * 256 + (((w) >> 16) & 0xFF)] + (base)[3 * 256 + (((w) >> 24) & 0xFF)];      \
    sum += (base)[4 * 256 + (((w) >> 32) & 0xFF)] + (base)[5 * 256 + (((w) >> 40) & 0xFF)];      \
    sum += (base)[6 * 256 + (((w) >> 48) & 0xFF)] + (base)[7 * 256 + ((w) >> 56)];               \
  } while (0)

/// For rows j < n of `codes` (row stride `stride` bytes):
/// out[j] = (or +=) Σ over m0 ≤ m < m1 of lut[m·256 + code m].
static void pq8_range(const float *lut, const uint8_t *codes, size_t n, size_t stride, size_t m0,
                      size_t m1, float *out, int accumulate) {
  size_t full = m0 + ((m1 - m0) & ~(size_t)7);
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const uint8_t *c0 = codes + j * stride, *c1 = c0 + stride, *c2 = c1 + stride,
                  *c3 = c2 + stride;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t m = m0;
    for (; m < full; m += 8) {
      const float *base = lut + m * 256;
      uint64_t w0 = load_u64(c0 + m), w1 = load_u64(c1 + m), w2 = load_u64(c2 + m),
               w3 = load_u64(c3 + m);
      PQ8_EIGHT(s0, w0, base);
      PQ8_EIGHT(s1, w1, base);
      PQ8_EIGHT(s2, w2, base);
      PQ8_EIGHT(s3, w3, base);
    }
    for (; m < m1; m++) {
      const float *row = lut + m * 256;
      s0 += row[c0[m]];
      s1 += row[c1[m]];
      s2 += row[c2[m]];
      s3 += row[c3[m]];
    }
    store4(out + j, s0, s1, s2, s3, accumulate);
  }
  for (; j < n; j++) {
    const uint8_t *c = codes + j * stride;
    float s = 0;
    size_t m = m0;
    for (; m < full; m += 8) {
      uint64_t w = load_u64(c + m);
      PQ8_EIGHT(s, w, lut + m * 256);
    }
    for (; m < m1; m++) s += lut[m * 256 + c[m]];
    out[j] = accumulate ? out[j] + s : s;
  }
}

/// Beyond 64 sub-vectors the table (1 KiB per sub-vector) no longer fits in L1, so rows are
/// scanned in blocks of 256 against 32 sub-vectors (32 KiB of table) at a time: measured +40-50%
/// at m = 96 and 192 on Zen 4, no gain at m = 48.
void qk_pq8_scan_unrolled(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                          float *out) {
  if (m_count <= 64) {
    pq8_range(lut, codes, n, m_count, 0, m_count, out, 0);
    return;
  }
  for (size_t j = 0; j < n; j += 256) {
    size_t rows = n - j < 256 ? n - j : 256;
    for (size_t m = 0; m < m_count; m += 32) {
      size_t end = m_count - m < 32 ? m_count : m + 32;
      pq8_range(lut, codes + j * m_count, rows, m_count, m, end, out + j, m != 0);
    }
  }
}

/// Σ over sixteen sub-vectors starting at m of lut[(m+k)·16 + nibble k of w].
static inline float pq4_sixteen(uint64_t w, const float *base) {
  float a = 0, b = 0;
  for (int k = 0; k < 16; k += 2) {
    a += base[k * 16 + ((w >> (4 * k)) & 0xF)];
    b += base[(k + 1) * 16 + ((w >> (4 * k + 4)) & 0xF)];
  }
  return a + b;
}

static inline float pq4_row_tail(const float *lut, const uint8_t *c, size_t m, size_t m_count) {
  float s = 0;
  for (; m < m_count; m++) {
    uint8_t byte = c[m / 2];
    s += lut[m * 16 + ((m & 1) ? (byte >> 4) : (byte & 0x0F))];
  }
  return s;
}

void qk_pq4_scan_unrolled(const float *lut, const uint8_t *codes, size_t n, size_t m_count,
                          float *out) {
  size_t row = (m_count + 1) / 2;
  size_t full = m_count & ~(size_t)15;
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const uint8_t *c0 = codes + j * row, *c1 = c0 + row, *c2 = c1 + row, *c3 = c2 + row;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t m = 0;
    for (; m < full; m += 16) {
      const float *base = lut + m * 16;
      s0 += pq4_sixteen(load_u64(c0 + m / 2), base);
      s1 += pq4_sixteen(load_u64(c1 + m / 2), base);
      s2 += pq4_sixteen(load_u64(c2 + m / 2), base);
      s3 += pq4_sixteen(load_u64(c3 + m / 2), base);
    }
    if (m < m_count) {
      s0 += pq4_row_tail(lut, c0, m, m_count);
      s1 += pq4_row_tail(lut, c1, m, m_count);
      s2 += pq4_row_tail(lut, c2, m, m_count);
      s3 += pq4_row_tail(lut, c3, m, m_count);
    }
    store4(out + j, s0, s1, s2, s3, 0);
  }
  for (; j < n; j++) {
    const uint8_t *c = codes + j * row;
    float s = 0;
    size_t m = 0;
    for (; m < full; m += 16) s += pq4_sixteen(load_u64(c + m / 2), lut + m * 16);
    out[j] = s + pq4_row_tail(lut, c, m, m_count);
  }
}
