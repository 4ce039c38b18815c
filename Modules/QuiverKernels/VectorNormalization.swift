import CQuiverKernels

/// L2 normalisation, the form cosine-metric indexes store and search vectors in.
public enum VectorNormalization {
  /// Scales `vector` to unit length in place; a zero vector is left as it is.
  ///
  /// - Precondition: `dimension > 0`.
  public static func normalize(_ vector: UnsafeMutablePointer<Float>, dimension: Int) {
    precondition(dimension > 0, "dimension must be positive")
    let norm = qk_norm_sq_f32(vector, dimension).squareRoot()
    guard norm > 0, norm.isFinite else { return }
    let inverse = 1 / norm
    for i in 0..<dimension { vector[i] *= inverse }
  }

  /// A unit-length copy of `vector` (a zero vector is returned unchanged).
  public static func normalized(_ vector: [Float]) -> [Float] {
    var copy = vector
    if !copy.isEmpty {
      copy.withUnsafeMutableBufferPointer { normalize($0.baseAddress!, dimension: $0.count) }
    }
    return copy
  }

  /// Normalises each of the `count` vectors packed in `vectors` in place.
  public static func normalizeRows(
    _ vectors: UnsafeMutablePointer<Float>, count: Int, dimension: Int
  ) {
    for row in 0..<count { normalize(vectors + row * dimension, dimension: dimension) }
  }
}
