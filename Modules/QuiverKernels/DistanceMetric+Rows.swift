import CQuiverKernels

extension DistanceMetric {
  /// How many rows ahead `distances(from:toRows:of:count:dimension:into:)` prefetches: enough to
  /// cover DRAM latency with one row's arithmetic (384 floats) each.
  static let prefetchDistance = 4

  /// Writes the distances from `query` to the rows `rows[0..<count]` of the row-major matrix
  /// `base` (`dimension` floats a row) into `out`, prefetching rows ahead since they are read
  /// out of order (an exact re-rank of candidates by row number).
  ///
  /// - Precondition: `dimension > 0`; every row number is inside `base`; `out` valid for
  ///   `count` floats.
  /// - Complexity: O(count × dimension).
  public func distances(
    from query: UnsafePointer<Float>, toRows rows: UnsafePointer<Int>, of base: UnsafePointer<Float>,
    count: Int, dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    let ahead = Self.prefetchDistance
    for j in 0..<min(ahead, count) { qk_prefetch_f32(base + rows[j] * dimension, dimension) }
    for j in 0..<count {
      if j + ahead < count { qk_prefetch_f32(base + rows[j + ahead] * dimension, dimension) }
      out[j] = distance(query, base + rows[j] * dimension, dimension: dimension)
    }
  }
}
