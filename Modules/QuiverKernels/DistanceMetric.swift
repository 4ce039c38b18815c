import CQuiverKernels

/// How two vectors are compared. Smaller distances are always closer.
///
/// - `l2`: squared Euclidean distance, Σ (aᵢ − bᵢ)².
/// - `cosine`: 1 − cos(a, b), in [0, 2]. If either vector is all zeros the distance is defined
///   as 1 (as if orthogonal), never NaN.
/// - `dot`: 1 − a·b, LanceDB's convention; it ranks like the negative inner product.
///
/// Sums are accumulated in `Float` with several SIMD accumulators (AVX-512F, AVX2+FMA, NEON or
/// portable C, chosen once per process: `KernelISA`), in one order fixed by the dimension: on a
/// given path a pair's distance has the same bits in `distance`, `distances` (any position of
/// the call) and `distanceBlock`. A squared distance or dot product whose
/// true value exceeds `Float.greatestFiniteMagnitude` is `+infinity`; cosine distances are
/// recomputed in `Double` when a norm or the dot product overflows or becomes subnormal, so they
/// stay exact for huge and tiny magnitudes. NaN inputs give NaN distances.
public enum DistanceMetric: String, Sendable, Hashable, CaseIterable, Codable {
  /// Squared Euclidean distance.
  case l2
  /// One minus the cosine similarity.
  case cosine
  /// One minus the inner product.
  case dot
}

extension DistanceMetric {
  /// The distance between two vectors of equal length.
  ///
  /// - Throws: `KernelError` with `.dimensionMismatch` or `.zeroDimension`.
  public func distance(_ a: [Float], _ b: [Float]) throws(KernelError) -> Float {
    guard a.count == b.count else {
      throw KernelError(.dimensionMismatch, "vectors have \(a.count) and \(b.count) dimensions")
    }
    guard !a.isEmpty else { throw KernelError(.zeroDimension, "vectors have zero dimensions") }
    return a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        distance(a.baseAddress!, b.baseAddress!, dimension: a.count)
      }
    }
  }

  /// Distances from `query` to each of the `points.count / query.count` vectors packed in
  /// `points`.
  ///
  /// - Throws: `KernelError` if `query` is empty or `points` is not a whole number of vectors.
  /// - Complexity: O(points.count).
  public func distances(from query: [Float], to points: [Float]) throws(KernelError) -> [Float] {
    try checkedDistances(from: query, to: points, valueName: "floats") {
      distances(from: $0, to: $1, count: $2, dimension: $3, into: $4)
    }
  }

  /// Checks `query` and `points` (a whole number of vectors, named `valueName` in messages),
  /// then fills an array of distances with the unsafe one-to-many `kernel`.
  func checkedDistances<Point>(
    from query: [Float], to points: [Point], valueName: String, kernel: OneToManyKernel<Point>
  ) throws(KernelError) -> [Float] {
    let dimension = query.count
    guard dimension > 0 else { throw KernelError(.zeroDimension, "query has zero dimensions") }
    guard points.count % dimension == 0 else {
      throw KernelError(
        .invalidLength,
        "points hold \(points.count) \(valueName), not a multiple of the dimension \(dimension)")
    }
    let count = points.count / dimension
    return query.withUnsafeBufferPointer { q in
      points.withUnsafeBufferPointer { p in
        [Float](count: count) { out in
          kernel(q.baseAddress!, p.baseAddress!, count, dimension, out)
        }
      }
    }
  }


  // MARK: Unsafe layer

  /// The distance between two vectors of `dimension` floats.
  ///
  /// - Precondition: `dimension > 0`; both pointers valid for `dimension` floats.
  @inlinable
  public func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, dimension: Int)
    -> Float
  {
    precondition(dimension > 0, "dimension must be positive")
    switch self {
    case .l2:
      return qk_l2sq_f32(a, b, dimension)
    case .dot:
      return 1 - qk_dot_f32(a, b, dimension)
    case .cosine:
      return qk_cosine_distance_f32(a, b, dimension)
    }
  }

  /// Writes `count` distances from `query` to the vectors packed in `points` into `out`.
  ///
  /// - Precondition: `dimension > 0`; `points` valid for `count × dimension` floats, `out` for
  ///   `count`.
  public func distances(
    from query: UnsafePointer<Float>, to points: UnsafePointer<Float>, count: Int,
    dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    // Cosine is fused: the dot product and the point's norm in one pass over the points.
    runBatchKernel(
      l2: { qk_l2sq_f32_batch($0, $1, $2, $3, $4) }, dot: { qk_dot_f32_batch($0, $1, $2, $3, $4) },
      cosine: { qk_cosine_f32_batch($0, $1, $2, $3, $4) }, query, points, count, dimension, out)
  }

  /// Runs this metric's one-to-many kernel of a point type: l2 and cosine as they are, dot as
  /// 1 − a·b.
  ///
  /// - Precondition: `dimension > 0`, `count >= 0`; pointers valid as for `distances`.
  @inline(__always)
  func runBatchKernel<Point>(
    l2: OneToManyKernel<Point>, dot: OneToManyKernel<Point>, cosine: OneToManyKernel<Point>,
    _ query: UnsafePointer<Float>, _ points: UnsafePointer<Point>, _ count: Int, _ dimension: Int,
    _ out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    switch self {
    case .l2: l2(query, points, count, dimension, out)
    case .dot:
      dot(query, points, count, dimension, out)
      for j in 0..<count { out[j] = 1 - out[j] }
    case .cosine: cosine(query, points, count, dimension, out)
    }
  }

  /// Writes the `queryCount × pointCount` distances between two blocks of vectors into `out`,
  /// row-major (row = query).
  ///
  /// - Precondition: `dimension > 0`; pointers valid for the stated sizes.
  /// - Complexity: O(queryCount × pointCount × dimension), tiled to stay in cache.
  public func distanceBlock(
    queries: UnsafePointer<Float>, queryCount: Int, points: UnsafePointer<Float>, pointCount: Int,
    dimension: Int, into out: UnsafeMutablePointer<Float>
  ) {
    precondition(dimension > 0, "dimension must be positive")
    precondition(queryCount >= 0 && pointCount >= 0, "counts must not be negative")
    switch self {
    case .l2:
      qk_l2sq_f32_block(queries, queryCount, points, pointCount, dimension, out)
    case .dot:
      qk_dot_f32_block(queries, queryCount, points, pointCount, dimension, out)
      for j in 0..<(queryCount * pointCount) { out[j] = 1 - out[j] }
    case .cosine:
      let queryNorms = UnsafeMutablePointer<Float>.allocate(capacity: queryCount)
      let pointNorms = UnsafeMutablePointer<Float>.allocate(capacity: pointCount)
      defer {
        queryNorms.deallocate()
        pointNorms.deallocate()
      }
      qk_norm_sq_f32_batch(queries, queryCount, dimension, queryNorms)
      qk_norm_sq_f32_batch(points, pointCount, dimension, pointNorms)
      qk_dot_f32_block(queries, queryCount, points, pointCount, dimension, out)
      for a in 0..<queryCount {
        for b in 0..<pointCount {
          let cell = a * pointCount + b
          if let distance = DistanceMetric.cosineDistance(
            dot: out[cell], normSquared: queryNorms[a], normSquared: pointNorms[b])
          {
            out[cell] = distance
          } else {
            out[cell] = qk_cosine_distance_f32(
              queries + a * dimension, points + b * dimension, dimension)
          }
        }
      }
    }
  }

  /// 1 − dot / (‖a‖‖b‖) clamped to [0, 2], or nil when a part is zero, subnormal, infinite or
  /// NaN: the caller then recomputes the pair with the fused kernel, which falls back to
  /// `Double` (and returns 1 for a zero vector).
  static func cosineDistance(dot: Float, normSquared a: Float, normSquared b: Float) -> Float? {
    guard a.isNormal, b.isNormal, dot.isFinite else { return nil }
    return min(2, max(0, 1 - dot / (a.squareRoot() * b.squareRoot())))
  }
}

extension DistanceMetric {
  /// The `queries.count / dimension × points.count / dimension` distances between two blocks of
  /// packed vectors, row-major (row = query): what k-means assignment and IVF probing use.
  ///
  /// - Throws: `KernelError` if `dimension` is not positive or either block is not a whole
  ///   number of vectors.
  /// - Complexity: O(queries.count × points.count / dimension).
  public func distanceBlock(queries: [Float], points: [Float], dimension: Int) throws(KernelError)
    -> [Float]
  {
    guard dimension > 0 else {
      throw KernelError(.zeroDimension, "dimension is \(dimension); it must be positive")
    }
    guard queries.count % dimension == 0 else {
      throw KernelError(
        .invalidLength,
        "queries hold \(queries.count) floats, not a multiple of the dimension \(dimension)")
    }
    guard points.count % dimension == 0 else {
      throw KernelError(
        .invalidLength,
        "points hold \(points.count) floats, not a multiple of the dimension \(dimension)")
    }
    let queryCount = queries.count / dimension
    let pointCount = points.count / dimension
    let total = queryCount * pointCount
    return queries.withUnsafeBufferPointer { q in
      points.withUnsafeBufferPointer { p in
        [Float](count: total) { out in
          distanceBlock(
            queries: q.baseAddress!, queryCount: queryCount, points: p.baseAddress!,
            pointCount: pointCount, dimension: dimension, into: out)
        }
      }
    }
  }
}

/// A C one-to-many kernel: query, points, count, dimension, distances out.
typealias OneToManyKernel<Point> = (
  UnsafePointer<Float>, UnsafePointer<Point>, Int, Int, UnsafeMutablePointer<Float>
) -> Void
