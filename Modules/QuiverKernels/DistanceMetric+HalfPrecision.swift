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
    try checkedDistances(from: query, to: points, valueName: "halves") {
      distances(from: $0, toHalfPrecision: $1, count: $2, dimension: $3, into: $4)
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
    runBatchKernel(
      l2: { qk_l2sq_f16_batch($0, $1, $2, $3, $4) }, dot: { qk_dot_f16_batch($0, $1, $2, $3, $4) },
      cosine: { qk_cosine_f16_batch($0, $1, $2, $3, $4) }, query, points, count, dimension, out)
  }
}
