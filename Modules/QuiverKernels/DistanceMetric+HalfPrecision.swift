import CQuiverKernels

extension DistanceMetric {
  /// Distances from a `Float` query to each of the `points.count / query.count` half-precision
  /// vectors packed in `points` (IEEE binary16 bit patterns, as float16 columns store them).
  ///
  /// Halves are widened exactly and sums accumulate in `Float`, with the conventions of the
  /// `Float` kernels (dot is 1 − a·b; cosine of a zero vector is 1).
  ///
  /// - Throws: `KernelError` if `query` is empty or `points` is not a whole number of vectors.
  /// - Complexity: O(points.count).
  public func distances(from query: [Float], toHalfPrecision points: [UInt16]) throws(KernelError)
    -> [Float]
  {
    let dimension = query.count
    guard dimension > 0 else { throw KernelError(.zeroDimension, "query has zero dimensions") }
    guard points.count % dimension == 0 else {
      throw KernelError(
        .invalidLength,
        "points hold \(points.count) halves, not a multiple of the dimension \(dimension)")
    }
    let count = points.count / dimension
    return query.withUnsafeBufferPointer { q in
      points.withUnsafeBufferPointer { p in
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
          if count > 0 {
            distances(
              from: q.baseAddress!, toHalfPrecision: p.baseAddress!, count: count,
              dimension: dimension, into: out.baseAddress!)
          }
          initialized = count
        }
      }
    }
  }

  /// Writes `count` distances from a `Float` query to the half-precision vectors (binary16 bit
  /// patterns) packed in `points` into `out`. Reads one point at a time: a linear stream.
  ///
  /// - Precondition: `dimension > 0`, `count >= 0`; `points` valid for `count × dimension`
  ///   halves, `out` for `count` floats.
  /// - Complexity: O(count × dimension).
  public func distances(
    from query: UnsafePointer<Float>, toHalfPrecision points: UnsafePointer<UInt16>, count: Int,
    dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    switch self {
    case .l2:
      qk_l2sq_f16_batch(query, points, count, dimension, out)
    case .dot:
      qk_dot_f16_batch(query, points, count, dimension, out)
      for j in 0..<count { out[j] = 1 - out[j] }
    case .cosine:
      qk_cosine_f16_batch(query, points, count, dimension, out)
    }
  }
}
