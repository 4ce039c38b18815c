import CQuiverKernels

/// Distance scans over quantized codes: 8-bit scalar-quantized vectors and product-quantized
/// codes with a per-query lookup table.
///
/// The pointer variants are the unsafe layer (callers guarantee the sizes; bad sizes trap); the
/// array variants validate their inputs and throw `KernelError`.
public enum QuantizedKernels {
  /// `out[j] = Σᵢ (queryMinusOffset[i] − scale[i]·codes[j·dimension + i])²` for `count` codes:
  /// the squared L2 distance from a query to vectors stored as `offset + scale·code`.
  ///
  /// - Precondition: `dimension > 0`, `count >= 0`; pointers valid for the stated sizes.
  /// - Complexity: O(count × dimension).
  public static func sq8SquaredL2(
    queryMinusOffset: UnsafePointer<Float>, scale: UnsafePointer<Float>,
    codes: UnsafePointer<UInt8>, count: Int, dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    qk_sq8_l2sq_batch(queryMinusOffset, scale, codes, count, dimension, out)
  }

  /// `out[j] = Σᵢ weight[i]·codes[j·dimension + i]` for `count` codes. With
  /// `weight = query·scale` this is `query·x − Σ query[i]·offset[i]`.
  ///
  /// - Precondition: `dimension > 0`, `count >= 0`; pointers valid for the stated sizes.
  /// - Complexity: O(count × dimension).
  public static func sq8WeightedSum(
    weight: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, dimension: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    qk_sq8_weighted_sum_batch(weight, codes, count, dimension, out)
  }

  /// Fills `lut` (`subVectorCount × centroidCount`) with the distance from each query
  /// sub-vector to each codebook entry: squared L2, or the negative inner product.
  ///
  /// - Parameters:
  ///   - query: `subVectorCount × subDimension` floats.
  ///   - codebooks: `subVectorCount × centroidCount × subDimension` floats.
  ///   - centroidCount: The number of codebook entries per sub-vector.
  ///   - innerProduct: Whether entries are negative inner products instead of squared L2.
  ///   - subDimension: The number of floats per sub-vector.
  ///   - subVectorCount: The number of sub-vectors each vector is split into.
  ///   - lut: Receives the `subVectorCount × centroidCount` distances.
  /// - Precondition: all counts positive; pointers valid for the stated sizes.
  /// - Complexity: O(subVectorCount × centroidCount × subDimension).
  public static func pqLookupTable(
    query: UnsafePointer<Float>, codebooks: UnsafePointer<Float>, subVectorCount: Int,
    centroidCount: Int, subDimension: Int, innerProduct: Bool, into lut: UnsafeMutablePointer<Float>
  ) {
    precondition(
      subVectorCount > 0 && centroidCount > 0 && subDimension > 0,
      "subVectorCount, centroidCount and subDimension must be positive")
    qk_pq_lut_f32(
      query, codebooks, subVectorCount, centroidCount, subDimension, innerProduct ? 1 : 0, lut)
  }

  /// `out[j] = Σₘ lut[m·256 + codes[j·subVectorCount + m]]`: 8-bit PQ codes, one byte per
  /// sub-vector. The table always has 256 entries per sub-vector (pad a smaller codebook).
  ///
  /// - Precondition: `subVectorCount > 0`, `count >= 0`; pointers valid for the stated sizes.
  /// - Complexity: O(count × subVectorCount).
  public static func pq8Scan(
    lut: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, subVectorCount: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(subVectorCount > 0, "subVectorCount must be positive")
    precondition(count >= 0, "count must not be negative")
    qk_pq8_scan(lut, codes, count, subVectorCount, out)
  }

  /// `out[j] = Σₘ lut[m·16 + codeₘ]`: 4-bit PQ codes, two a byte (low nibble first), each row
  /// `(subVectorCount + 1) / 2` bytes; the table has 16 entries per sub-vector.
  ///
  /// - Precondition: `subVectorCount > 0`, `count >= 0`; pointers valid for the stated sizes.
  /// - Complexity: O(count × subVectorCount).
  public static func pq4Scan(
    lut: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int, subVectorCount: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    precondition(subVectorCount > 0, "subVectorCount must be positive")
    precondition(count >= 0, "count must not be negative")
    qk_pq4_scan(lut, codes, count, subVectorCount, out)
  }
}

extension QuantizedKernels {
  /// Squared L2 distances from a query to each 8-bit code row (see the pointer variant).
  ///
  /// - Parameters:
  ///   - queryMinusOffset: `query − offset`, one float per dimension.
  ///   - scale: one float per dimension.
  ///   - codes: `n × dimension` bytes.
  /// - Throws: `KernelError` for a zero dimension, a `scale` of another length, or codes that
  ///   are not a whole number of rows.
  public static func sq8SquaredL2(queryMinusOffset: [Float], scale: [Float], codes: [UInt8])
    throws(KernelError) -> [Float]
  {
    let dimension = queryMinusOffset.count
    let count = try rows(of: codes, width: dimension, name: "codes", dimension: dimension)
    guard scale.count == dimension else {
      throw KernelError(
        .dimensionMismatch, "scale has \(scale.count) entries for dimension \(dimension)")
    }
    return [Float](count: count) { out in
      sq8SquaredL2(
        queryMinusOffset: queryMinusOffset, scale: scale, codes: codes, count: count,
        dimension: dimension, into: out)
    }
  }

  /// Weighted sums of each 8-bit code row (see the pointer variant).
  ///
  /// - Throws: `KernelError` for an empty `weight` or codes that are not a whole number of rows.
  public static func sq8WeightedSum(weight: [Float], codes: [UInt8]) throws(KernelError)
    -> [Float]
  {
    let dimension = weight.count
    let count = try rows(of: codes, width: dimension, name: "codes", dimension: dimension)
    return [Float](count: count) { out in
      sq8WeightedSum(weight: weight, codes: codes, count: count, dimension: dimension, into: out)
    }
  }

  /// The PQ lookup table (`subVectorCount × centroidCount`) for one query.
  ///
  /// - Parameters:
  ///   - query: `subVectorCount × subDimension` floats.
  ///   - codebooks: `subVectorCount × centroidCount × subDimension` floats.
  ///   - centroidCount: The number of codebook entries per sub-vector.
  ///   - innerProduct: Whether entries are negative inner products instead of squared L2.
  ///   - subVectorCount: The number of sub-vectors each vector is split into.
  /// - Throws: `KernelError` when a count is not positive, the query length is not a multiple
  ///   of `subVectorCount`, or `codebooks` has the wrong length.
  public static func pqLookupTable(
    query: [Float], codebooks: [Float], subVectorCount: Int, centroidCount: Int,
    innerProduct: Bool
  ) throws(KernelError) -> [Float] {
    guard subVectorCount > 0, centroidCount > 0 else {
      throw KernelError(
        .invalidLength,
        "subVectorCount \(subVectorCount) and centroidCount \(centroidCount) must be positive")
    }
    guard !query.isEmpty else { throw KernelError(.zeroDimension, "query has zero dimensions") }
    guard query.count % subVectorCount == 0 else {
      throw KernelError(
        .dimensionMismatch,
        "query dimension \(query.count) is not a multiple of subVectorCount \(subVectorCount)")
    }
    let subDimension = query.count / subVectorCount
    guard codebooks.count == subVectorCount * centroidCount * subDimension else {
      throw KernelError(
        .invalidLength,
        "codebooks hold \(codebooks.count) floats, expected \(subVectorCount) × "
          + "\(centroidCount) × \(subDimension)")
    }
    let total = subVectorCount * centroidCount
    return [Float](count: total) { out in
      pqLookupTable(
        query: query, codebooks: codebooks, subVectorCount: subVectorCount,
        centroidCount: centroidCount, subDimension: subDimension, innerProduct: innerProduct,
        into: out)
    }
  }

  /// Approximate distances of each 8-bit PQ code row (see the pointer variant).
  ///
  /// - Throws: `KernelError` when `lut` is not `subVectorCount × 256` floats or `codes` is not
  ///   a whole number of rows.
  public static func pq8Scan(lut: [Float], codes: [UInt8], subVectorCount: Int)
    throws(KernelError) -> [Float]
  {
    guard subVectorCount > 0 else {
      throw KernelError(.zeroDimension, "subVectorCount is \(subVectorCount)")
    }
    guard lut.count == subVectorCount * 256 else {
      throw KernelError(
        .invalidLength, "lut holds \(lut.count) floats, expected \(subVectorCount) × 256")
    }
    let count = try rows(
      of: codes, width: subVectorCount, name: "codes", dimension: subVectorCount)
    return [Float](count: count) { out in
      pq8Scan(lut: lut, codes: codes, count: count, subVectorCount: subVectorCount, into: out)
    }
  }

  /// Approximate distances of each 4-bit PQ code row (see the pointer variant).
  ///
  /// - Throws: `KernelError` when `lut` is not `subVectorCount × 16` floats or `codes` is not a
  ///   whole number of `(subVectorCount + 1) / 2`-byte rows.
  public static func pq4Scan(lut: [Float], codes: [UInt8], subVectorCount: Int)
    throws(KernelError) -> [Float]
  {
    guard subVectorCount > 0 else {
      throw KernelError(.zeroDimension, "subVectorCount is \(subVectorCount)")
    }
    guard lut.count == subVectorCount * 16 else {
      throw KernelError(
        .invalidLength, "lut holds \(lut.count) floats, expected \(subVectorCount) × 16")
    }
    let count = try rows(
      of: codes, width: (subVectorCount + 1) / 2, name: "codes", dimension: subVectorCount)
    return [Float](count: count) { out in
      pq4Scan(lut: lut, codes: codes, count: count, subVectorCount: subVectorCount, into: out)
    }
  }

  /// The number of `width`-byte rows in `codes`, or a thrown error naming the argument.
  private static func rows(of codes: [UInt8], width: Int, name: String, dimension: Int)
    throws(KernelError) -> Int
  {
    guard width > 0 else { throw KernelError(.zeroDimension, "dimension is \(dimension)") }
    guard codes.count % width == 0 else {
      throw KernelError(
        .invalidLength, "\(name) hold \(codes.count) bytes, not a multiple of the row \(width)")
    }
    return codes.count / width
  }
}
