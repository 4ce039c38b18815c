// CQuiverKernels: the hot loops of Quiver, selected once per process by CPU features.
//
// Every function here is the *unsafe layer*: pointers must be valid for the stated lengths and
// dimensions must be positive. The Swift module QuiverKernels validates its inputs and is the
// only intended caller. All arrays are row-major and densely packed; no alignment is required.
#ifndef QUIVER_KERNELS_H
#define QUIVER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set paths a kernel can run on.
typedef enum {
  QK_ISA_SCALAR = 0,
  QK_ISA_AVX2 = 1,   ///< x86-64 AVX2 + FMA
  QK_ISA_AVX512 = 2, ///< x86-64 AVX-512F + AVX-512BW
  QK_ISA_NEON = 3,   ///< arm64 Advanced SIMD
} qk_isa;

/// The best path this CPU supports.
qk_isa qk_detected_isa(void);
/// The path kernels currently run on: the detected one, unless the environment variable
/// QUIVER_KERNEL_ISA (scalar, avx2, avx512, neon) names another this CPU supports, or
/// qk_force_isa changed it.
qk_isa qk_active_isa(void);
/// Forces every kernel onto `isa`. Returns 0 on success, -1 if this CPU cannot run it.
/// Meant for tests and benchmarks; not thread-safe with concurrent kernel calls.
int qk_force_isa(qk_isa isa);
/// Runs the kernels the calling thread calls on `isa` (a qk_isa), whatever the process-wide
/// path, until called with -1. Returns 0 on success, -1 if this CPU cannot run it. Lets a test
/// compare paths while other threads keep the process-wide one.
int qk_force_isa_on_this_thread(int isa);

// ---- float32, one-to-one ------------------------------------------------------------------
/// Σ (a[i] - b[i])².
float qk_l2sq_f32(const float *a, const float *b, size_t dim);
/// Σ a[i]·b[i].
float qk_dot_f32(const float *a, const float *b, size_t dim);
/// Σ a[i]².
float qk_norm_sq_f32(const float *a, size_t dim);
/// Cosine distance 1 - a·b / (‖a‖‖b‖) in one pass over both vectors: 1 when either vector is all
/// zeros, clamped to [0, 2], NaN if an input holds NaN. Rows whose float sums overflow or become
/// subnormal are recomputed in double precision, so huge and tiny magnitudes stay exact.
float qk_cosine_distance_f32(const float *a, const float *b, size_t dim);

// ---- float32, one-to-many over a contiguous block of n×dim points -------------------------
/// out[j] = Σ (q[i] - points[j·dim + i])².
void qk_l2sq_f32_batch(const float *q, const float *points, size_t n, size_t dim, float *out);
/// out[j] = Σ q[i]·points[j·dim + i].
void qk_dot_f32_batch(const float *q, const float *points, size_t n, size_t dim, float *out);
/// out[j] = Σ points[j·dim + i]·points[j·dim + i] (used by cosine scans).
void qk_norm_sq_f32_batch(const float *points, size_t n, size_t dim, float *out);
/// out[j] = cosine distance between q and point j (as qk_cosine_distance_f32), reading each point
/// once: the dot product and the point's norm are accumulated in the same pass.
void qk_cosine_f32_batch(const float *q, const float *points, size_t n, size_t dim, float *out);

// ---- half-precision points (IEEE binary16 bit patterns), float32 query --------------------
// One point at a time (a linear stream); halves are widened exactly (F16C / AVX-512F / NEON
// FCVTL, or bit manipulation in portable C) and accumulated in float.
/// out[j] = Σ (q[i] - half(points[j·dim + i]))².
void qk_l2sq_f16_batch(const float *q, const uint16_t *points, size_t n, size_t dim, float *out);
/// out[j] = Σ q[i]·half(points[j·dim + i]).
void qk_dot_f16_batch(const float *q, const uint16_t *points, size_t n, size_t dim, float *out);
/// out[j] = cosine distance between q and half-precision point j, with the conventions of
/// qk_cosine_distance_f32 (1 for a zero vector, clamped to [0, 2], double-precision fallback).
void qk_cosine_f16_batch(const float *q, const uint16_t *points, size_t n, size_t dim,
                         float *out);

// ---- float32, many-to-many block: out is nq×np, row-major ----------------------------------
/// out[a·np + b] = ‖queries[a] - points[b]‖², computed as Σ (q - p)² (not ‖q‖² + ‖p‖² - 2q·p),
/// so near neighbours keep full relative accuracy. Register-tiled and blocked for cache.
void qk_l2sq_f32_block(const float *queries, size_t nq, const float *points, size_t np, size_t dim,
                       float *out);
/// out[a·np + b] = queries[a]·points[b].
void qk_dot_f32_block(const float *queries, size_t nq, const float *points, size_t np, size_t dim,
                      float *out);

// ---- 8-bit scalar-quantized codes (value_i = offset_i + scale_i·code_i) --------------------
/// out[j] = Σ (qminusoffset[i] - scale[i]·codes[j·dim + i])²; pass qminusoffset = q - offset.
void qk_sq8_l2sq_batch(const float *qminusoffset, const float *scale, const uint8_t *codes,
                       size_t n, size_t dim, float *out);
/// out[j] = Σ weight[i]·codes[j·dim + i]; with weight = q·scale this is q·x minus the constant
/// Σ q[i]·offset[i], which the caller adds.
void qk_sq8_weighted_sum_batch(const float *weight, const uint8_t *codes, size_t n, size_t dim,
                               float *out);

// ---- product quantization ------------------------------------------------------------------
/// Lookup table for one query: lut[m·ksub + c] = ‖q_m - codebook[m][c]‖² (or -q_m·codebook[m][c]
/// when `inner_product` is non-zero). codebooks is m_count×ksub×dsub, q is m_count×dsub.
void qk_pq_lut_f32(const float *q, const float *codebooks, size_t m_count, size_t ksub,
                   size_t dsub, int inner_product, float *lut);
/// out[j] = Σ_m lut[m·256 + codes[j·m_count + m]] (8-bit codes, one byte per sub-vector).
void qk_pq8_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count, float *out);
/// out[j] = Σ_m lut[m·16 + code_m] for 4-bit codes packed two a byte (low nibble = even m);
/// each row has (m_count + 1) / 2 bytes.
void qk_pq4_scan(const float *lut, const uint8_t *codes, size_t n, size_t m_count, float *out);

// ---- fast-scan 4-bit product quantization --------------------------------------------------
// Codes of 32 rows form a block; a block holds, for each pair of sub-quantizers (2p, 2p+1),
// 32 bytes: byte i < 16 carries sub-quantizer 2p's code of row i in its low nibble and of row
// i + 16 in its high nibble; bytes 16 + i do the same for sub-quantizer 2p + 1 (a zero code when
// m_count is odd and 2p + 1 = m_count). A block is 32·⌈m_count/2⌉ bytes; rows past n in the
// last block are zero. The lookup table is bytes, 16 per sub-quantizer, ⌈m_count/2⌉·32 bytes
// (zero for a padding sub-quantizer), so each 32-byte block slice meets its 32-byte table slice.

/// The row count of one fast-scan block.
#define QK_PQ4_BLOCK_ROWS 32
/// The sum qk_pq4_fast_scan writes for a row its block mask leaves out.
#define QK_PQ4_FILTERED 0xFFFF

/// out[j] = Σ_m lut[m·16 + code of row j for m], summed in 16 bits (modulo 2^16), for rows j < n
/// of `blocks`. With `block_masks` (one word per block, bit r = row 32·b + r), rows whose bit is
/// clear get QK_PQ4_FILTERED and blocks whose word is zero are not read.
void qk_pq4_fast_scan(const uint8_t *lut, const uint8_t *blocks, size_t n, size_t m_count,
                      const uint32_t *block_masks, uint16_t *out);
/// Selects the rows j < n whose distance d = (base + scale·sums[j]) + terms[j] (no term when
/// `terms` is NULL; each operation rounded to float, no fused multiply-add) is ≤ threshold, and,
/// when `skip_filtered` is non-zero, whose sum is not QK_PQ4_FILTERED: writes their indices to
/// rows and their distances to distances, in row order, and returns how many. Both outputs need
/// room for n entries. Every path returns the same rows and distances, bit for bit.
size_t qk_pq4_select(const uint16_t *sums, const float *terms, size_t n, float base, float scale,
                     float threshold, int skip_filtered, uint32_t *rows, float *distances);
/// Rearranges n row-major 4-bit codes (⌈m_count/2⌉ bytes a row, low nibble = even m) into
/// ⌈n/32⌉ blocks.
void qk_pq4_pack_blocks(const uint8_t *codes, size_t n, size_t m_count, uint8_t *blocks);
/// The row-major code (⌈m_count/2⌉ bytes) of row `row` of packed blocks.
void qk_pq4_unpack_row(const uint8_t *blocks, size_t row, size_t m_count, uint8_t *code);
/// Quantises a float table (m_count×16) to bytes: out[m·16 + c] = round((lut[m·16 + c] − min_m)
/// / scale), clamped to min(255, ⌊65534 / m_count⌋) so a row's sum never reaches 0xFFFF, with
/// a padding table of zeros when m_count is odd. A row's float sum is then about
/// bias + scale·(its byte sum), bias = Σ min_m. A NaN entry becomes 0.
void qk_pq4_quantize_lut(const float *lut, size_t m_count, uint8_t *out, float *scale,
                         float *bias);
/// Rearranges 16-entry codebooks (m_count × 16 × dsub floats, entry-major) so each sub-space's
/// entries sit side by side per dimension: transposed[(m·dsub + d)·16 + c] = codebooks[(m·16 +
/// c)·dsub + d].
void qk_pq4_transpose_codebooks(const float *codebooks, size_t m_count, size_t dsub,
                                float *transposed);
/// The negative inner-product lookup table of 4-bit codes from transposed codebooks:
/// lut[m·16 + c] = −Σ_d q[m·dsub + d]·entry(m, c)[d], summed d = 0, 1, … with one rounding per
/// multiply and per add (the same bits on every platform).
void qk_pq4_inner_product_lut(const float *q, const float *transposed, size_t m_count,
                              size_t dsub, float *lut);

// ---- RaBitQ bit-sliced codes ---------------------------------------------------------------
// A row of `planes` bit planes, each `words` 64-bit words (bit b of word w is dimension 64w + b),
// most significant plane first, so the row's code of dimension i is Σ_p 2^(planes−1−p)·bit_p(i).
// Rows are packed (planes·words words each). The query is `query_bits` planes of `words` words in
// the same order, standing for the unsigned query integers qᵢ.

/// out[r] = Σ_i code_r(i)·q(i) for rows r < n, computed as Σ_p Σ_j 2^(planes−1−p)·2^(query_bits−1−j)
/// ·popcount(plane_p ∧ query_j) in 32-bit arithmetic (modulo 2^32; the caller keeps the true sum
/// below 2^32).
void qk_rabitq_scan(const uint64_t *codes, size_t n, size_t words, size_t planes,
                    const uint64_t *query, size_t query_bits, uint32_t *out);

/// What qk_rabitq_prepare_query reports about the vector it prepared.
typedef struct {
  float sign_low, sign_step;  ///< the sign-scan integers stand for sign_low + sign_step·u
  float full_low, full_step;  ///< the full-code integers stand for full_low + full_step·u
  float sum;                  ///< Σ vᵢ (summed in double)
  float norm_squared;         ///< ‖v‖² (summed in double)
  float norm;                 ///< ‖v‖
} qk_rabitq_query_summary;

/// Prepares v = vector − centroid (v = vector when centroid is NULL) for the scans: writes v to
/// `residual` (dim floats), rounds it onto 2^sign_bits and 2^full_bits levels between its
/// minimum and maximum (round half away from zero) and slices the integers into `sign_planes`
/// (sign_bits × words words) and `full_planes` (full_bits × words), most significant plane
/// first, padding bits zero. `integers` is dim bytes of scratch. Every path writes the same
/// bytes.
void qk_rabitq_prepare_query(const float *vector, const float *centroid, size_t dim,
                             size_t words, size_t sign_bits, size_t full_bits, float *residual,
                             uint8_t *integers, uint64_t *sign_planes, uint64_t *full_planes,
                             qk_rabitq_query_summary *summary);

/// The per-partition constants of the RaBitQ estimate of qk_rabitq_select and
/// qk_rabitq_full_distances. With S a row's integer scan sum and f its factors:
///   sign estimate  e = f[0]·((sign_step·S + sign_low·f[1]) − sign_offset)
///   full estimate  e = f[4]·((full_step·S + full_low·f[5]) − full_offset)
///   distance       (base + f[3] when add_norm, else base) − scale·e
///   error bound    bound_scale·f[2]
/// each operation rounded to float in this order (no fused multiply-add).
typedef struct {
  float sign_step, sign_low, sign_offset;
  float full_step, full_low, full_offset;
  float base, scale, bound_scale;
  int add_norm;
} qk_rabitq_estimator;

/// The first pass over n rows of 1-bit sign codes (`words` words each) and their factors
/// (`factor_count` floats each, factor_count ≥ 4): scans each row against `query_planes`
/// (`query_bits` planes) and writes to rows/distances (room for n) the index and sign-estimate
/// distance of every row whose distance (minus its error bound when use_bound) is ≤ threshold
/// and, when row_masks is not NULL, whose bit (row r: bit r % 32 of word r / 32) is set.
/// Returns how many. Every path selects the same rows with the same distances, bit for bit.
size_t qk_rabitq_select(const uint64_t *sign_codes, size_t n, size_t words,
                        const uint64_t *query_planes, size_t query_bits, const float *factors,
                        size_t factor_count, const qk_rabitq_estimator *estimator,
                        float threshold, int use_bound, const uint32_t *row_masks,
                        uint32_t *rows, float *distances);

/// The full-code distances of `count` rows (indices `rows` into the codes): the sign plane of
/// row r is sign_codes + r·words, its `bits − 1` extra planes extra_codes + r·(bits − 1)·words;
/// each is scanned against `query_planes` (`query_bits` planes) and the full estimate written
/// to distances[i]. Every path writes the same floats.
void qk_rabitq_full_distances(const uint64_t *sign_codes, const uint64_t *extra_codes,
                              size_t words, size_t bits, const uint64_t *query_planes,
                              size_t query_bits, const float *factors, size_t factor_count,
                              const qk_rabitq_estimator *estimator, const uint32_t *rows,
                              size_t count, float *distances);

// ---- memory --------------------------------------------------------------------------------
/// Asks the CPU to start loading the cache lines of `dim` floats at `vector` (no effect on
/// results). For scans that visit rows out of order.
void qk_prefetch_f32(const float *vector, size_t dim);

// ---- checksums ----------------------------------------------------------------------------
/// CRC-32C (Castagnoli) of `data`, continuing from `crc` (start with 0). SSE4.2 when present.
/// Thread-safe.
uint32_t qk_crc32c(uint32_t crc, const void *data, size_t length);
/// The same checksum from the portable sliced table (no CPU instruction); for tests.
uint32_t qk_crc32c_portable(uint32_t crc, const void *data, size_t length);
/// 1 when qk_crc32c uses a CPU instruction, 0 when it falls back to the table.
int qk_crc32c_hardware_available(void);

#ifdef __cplusplus
}
#endif
#endif
