// The inner-product lookup table of 4-bit product quantization from codebooks transposed so
// that the 16 entries of one sub-space sit side by side per dimension: each query float then
// meets 16 entries in one vector multiply (the compiler vectorises the 16-lane loops on every
// target), where a dot product per entry would reduce across 3 or 4 dimensions 16 times.
//
// Portable C on purpose: every platform sums the same terms in the same order (d = 0, 1, …,
// one rounding per multiply and per add, no fused multiply-add), so the table is the same bits
// whatever the instruction set.
#include "kernel_table.h"

void qk_pq4_transpose_codebooks(const float *codebooks, size_t m_count, size_t dsub,
                                float *transposed) {
  for (size_t m = 0; m < m_count; m++) {
    const float *book = codebooks + m * 16 * dsub;
    float *target = transposed + m * dsub * 16;
    for (size_t d = 0; d < dsub; d++)
      for (size_t c = 0; c < 16; c++) target[d * 16 + c] = book[c * dsub + d];
  }
}

void qk_pq4_inner_product_lut(const float *q, const float *transposed, size_t m_count,
                              size_t dsub, float *lut) {
  for (size_t m = 0; m < m_count; m++) {
    const float *query = q + m * dsub;
    const float *entries = transposed + m * dsub * 16;
    float sums[16];
    for (size_t c = 0; c < 16; c++) sums[c] = query[0] * entries[c];
    for (size_t d = 1; d < dsub; d++) {
      float value = query[d];
      const float *row = entries + d * 16;
      for (size_t c = 0; c < 16; c++) {
        // Separate statements: no contraction into a fused multiply-add on any compiler setting.
        float product = value * row[c];
        sums[c] = sums[c] + product;
      }
    }
    for (size_t c = 0; c < 16; c++) lut[m * 16 + c] = -sums[c];
  }
}
