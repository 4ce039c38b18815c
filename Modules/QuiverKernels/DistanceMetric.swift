import CQuiverKernels

/// How two vectors are compared. Smaller distances are always closer.
///
/// - `l2`: squared Euclidean distance, Σ (aᵢ − bᵢ)².
/// - `cosine`: 1 − cos(a, b), in [0, 2]. If either vector is all zeros the distance is defined
///   as 1 (as if orthogonal), never NaN.
/// - `dot`: 1 − a·b, LanceDB's convention; it ranks like the negative inner product.
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
    let dimension = query.count
    guard dimension > 0 else { throw KernelError(.zeroDimension, "query has zero dimensions") }
    guard points.count % dimension == 0 else {
      throw KernelError(
        .invalidLength,
        "points hold \(points.count) floats, not a multiple of the dimension \(dimension)")
    }
    let count = points.count / dimension
    return query.withUnsafeBufferPointer { q in
      points.withUnsafeBufferPointer { p in
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
          if count > 0 {
            distances(
              from: q.baseAddress!, to: p.baseAddress!, count: count, dimension: dimension,
              into: out.baseAddress!)
          }
          initialized = count
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
      let dot = qk_dot_f32(a, b, dimension)
      let norms = qk_norm_sq_f32(a, dimension) * qk_norm_sq_f32(b, dimension)
      return DistanceMetric.cosineDistance(dot: dot, normProduct: norms)
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
    precondition(dimension > 0, "dimension must be positive")
    precondition(count >= 0, "count must not be negative")
    switch self {
    case .l2:
      qk_l2sq_f32_batch(query, points, count, dimension, out)
    case .dot:
      qk_dot_f32_batch(query, points, count, dimension, out)
      for j in 0..<count { out[j] = 1 - out[j] }
    case .cosine:
      let queryNorm = qk_norm_sq_f32(query, dimension)
      let norms = UnsafeMutablePointer<Float>.allocate(capacity: count)
      defer { norms.deallocate() }
      qk_norm_sq_f32_batch(points, count, dimension, norms)
      qk_dot_f32_batch(query, points, count, dimension, out)
      for j in 0..<count {
        out[j] = DistanceMetric.cosineDistance(dot: out[j], normProduct: queryNorm * norms[j])
      }
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
          out[a * pointCount + b] = DistanceMetric.cosineDistance(
            dot: out[a * pointCount + b], normProduct: queryNorms[a] * pointNorms[b])
        }
      }
    }
  }

  /// 1 − dot / √normProduct, with 1 for a zero vector and the result clamped to [0, 2].
  @usableFromInline
  static func cosineDistance(dot: Float, normProduct: Float) -> Float {
    guard normProduct > 0 else { return 1 }
    return min(2, max(0, 1 - dot / normProduct.squareRoot()))
  }
}
