import CQuiverKernels

/// L2 normalisation, the form cosine-metric indexes store and search vectors in.
public enum VectorNormalization {
  /// Scales `vector` to unit length in place; a zero vector, or one holding an infinity or NaN,
  /// is left as it is. Vectors whose squared norm overflows or underflows `Float` are first
  /// scaled by their largest magnitude, so huge and tiny vectors normalise correctly.
  ///
  /// - Precondition: `dimension > 0`; `vector` valid for `dimension` floats.
  /// - Complexity: O(dimension).
  public static func normalize(_ vector: UnsafeMutablePointer<Float>, dimension: Int) {
    precondition(dimension > 0, "dimension must be positive")
    var normSquared = qk_norm_sq_f32(vector, dimension)
    if !normSquared.isNormal || normSquared == .infinity {
      // Zero, subnormal, overflowed, or non-finite input: rescale by the largest magnitude.
      var largest: Float = 0
      for i in 0..<dimension {
        let magnitude = abs(vector[i])
        guard magnitude.isFinite else { return }
        largest = max(largest, magnitude)
      }
      guard largest > 0 else { return }
      let rescale = 1 / largest
      if rescale.isFinite {
        for i in 0..<dimension { vector[i] *= rescale }
      } else {
        for i in 0..<dimension { vector[i] /= largest }
      }
      normSquared = qk_norm_sq_f32(vector, dimension)
    }
    let inverse = 1 / normSquared.squareRoot()
    for i in 0..<dimension { vector[i] *= inverse }
  }

  /// A unit-length copy of `vector` (a zero vector is returned unchanged).
  /// - Complexity: O(vector.count).
  public static func normalized(_ vector: [Float]) -> [Float] {
    var copy = vector
    if !copy.isEmpty {
      copy.withUnsafeMutableBufferPointer { normalize($0.baseAddress!, dimension: $0.count) }
    }
    return copy
  }

  /// Normalises each of the `count` vectors packed in `vectors` in place.
  ///
  /// - Precondition: `dimension > 0`, `count >= 0`; `vectors` valid for `count × dimension`.
  /// - Complexity: O(count × dimension).
  public static func normalizeRows(
    _ vectors: UnsafeMutablePointer<Float>, count: Int, dimension: Int
  ) {
    precondition(count >= 0, "count must not be negative")
    for row in 0..<count { normalize(vectors + row * dimension, dimension: dimension) }
  }
}
