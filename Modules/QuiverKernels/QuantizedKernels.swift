import CQuiverKernels

/// Distance scans over quantized codes: 8-bit scalar-quantized vectors and product-quantized
/// codes with a per-query lookup table. Unsafe layer: callers guarantee the sizes.
public enum QuantizedKernels {
  /// `out[j] = Σᵢ (queryMinusOffset[i] − scale[i]·codes[j·dimension + i])²` for `count` codes.
  public static func sq8SquaredL2(
    queryMinusOffset: UnsafePointer<Float>, scale: UnsafePointer<Float>,
    codes: UnsafePointer<UInt8>, count: Int, dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0 && count >= 0, "invalid sizes")
    qk_sq8_l2sq_batch(queryMinusOffset, scale, codes, count, dimension, out)
  }

  /// `out[j] = Σᵢ weight[i]·codes[j·dimension + i]` for `count` codes.
  public static func sq8WeightedSum(
    weight: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, dimension: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0 && count >= 0, "invalid sizes")
    qk_sq8_weighted_sum_batch(weight, codes, count, dimension, out)
  }

  /// Fills `lut` (`subVectorCount × centroidCount`) with the distance from each query
  /// sub-vector to each codebook entry: squared L2, or the negative inner product.
  ///
  /// - Parameters:
  ///   - query: `subVectorCount × subDimension` floats.
  ///   - codebooks: `subVectorCount × centroidCount × subDimension` floats.
  public static func pqLookupTable(
    query: UnsafePointer<Float>, codebooks: UnsafePointer<Float>, subVectorCount: Int,
    centroidCount: Int, subDimension: Int, innerProduct: Bool, into lut: UnsafeMutablePointer<Float>
  ) {
    precondition(subVectorCount > 0 && centroidCount > 0 && subDimension > 0, "invalid sizes")
    qk_pq_lut_f32(
      query, codebooks, subVectorCount, centroidCount, subDimension, innerProduct ? 1 : 0, lut)
  }

  /// `out[j] = Σₘ lut[m·256 + codes[j·subVectorCount + m]]`: 8-bit PQ codes.
  public static func pq8Scan(
    lut: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, subVectorCount: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(subVectorCount > 0 && count >= 0, "invalid sizes")
    qk_pq8_scan(lut, codes, count, subVectorCount, out)
  }

  /// `out[j] = Σₘ lut[m·16 + codeₘ]`: 4-bit PQ codes, two a byte (low nibble first), each row
  /// `(subVectorCount + 1) / 2` bytes.
  public static func pq4Scan(
    lut: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, subVectorCount: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(subVectorCount > 0 && count >= 0, "invalid sizes")
    qk_pq4_scan(lut, codes, count, subVectorCount, out)
  }
}
