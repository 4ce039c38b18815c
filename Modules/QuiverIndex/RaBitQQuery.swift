import QuiverKernels

/// A query vector in a partition's rotated residual space, prepared for `RaBitQuantizer`'s
/// codes (`RaBitQScan.prepareQuery`): quantized to unsigned integers `uᵢ = round((vᵢ − low)/step)`
/// and bit-sliced, once with `signQueryBits` bits (the sign-code scan) and once with
/// `fullQueryBits` (full codes), plus the sums the estimator needs.
///
/// `Σ cᵢ·vᵢ ≈ step·Σ cᵢ·uᵢ + low·Σ cᵢ`, so with the row factors
/// `⟨r′, v⟩ ≈ rescale · (step·S + low·Σcᵢ − h·Σvᵢ)`, `S` the integer sum of the scan.
package struct RaBitQQuery {
  /// The sliced sign-scan integers (`signQueryBits × words` words).
  package var signPlanes: [UInt64]
  /// The sliced full-code integers (`fullQueryBits × words` words).
  package var fullPlanes: [UInt64]
  /// The prepared vector `v` (`dimension` floats).
  package var vector: [Float]
  /// The quantization's ends and steps, `Σ vᵢ`, `‖v‖²` and `‖v‖`.
  package private(set) var summary = RaBitQQuerySummary()
  private var integers: [UInt8]
  private let words: Int

  /// Working memory for vectors of `words` words per plane and `dimension` floats.
  package init(dimension: Int, words: Int) {
    signPlanes = [UInt64](repeating: 0, count: RaBitQuantizer.signQueryBits * words)
    fullPlanes = [UInt64](repeating: 0, count: RaBitQuantizer.fullQueryBits * words)
    vector = [Float](repeating: 0, count: dimension)
    integers = [UInt8](repeating: 0, count: dimension)
    self.words = words
  }

  /// Prepares `vector − centroid` (`vector` when `centroid` is nil), `integers.count` floats of
  /// the rotated space.
  package mutating func prepare(_ source: UnsafePointer<Float>, centroid: UnsafePointer<Float>?) {
    let dimension = integers.count
    let words = words
    summary = vector.withUnsafeMutableBufferPointer { residual in
      integers.withUnsafeMutableBufferPointer { integers in
        signPlanes.withUnsafeMutableBufferPointer { sign in
          fullPlanes.withUnsafeMutableBufferPointer { full in
            RaBitQScan.prepareQuery(
              source, centroid: centroid, dimension: dimension, words: words,
              signBits: RaBitQuantizer.signQueryBits, fullBits: RaBitQuantizer.fullQueryBits,
              residual: residual.baseAddress!, integers: integers.baseAddress!,
              signPlanes: sign.baseAddress!, fullPlanes: full.baseAddress!)
          }
        }
      }
    }
  }
}
