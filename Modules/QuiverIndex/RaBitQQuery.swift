import QuiverKernels

/// A query vector in a partition's rotated residual space, prepared for `RaBitQuantizer`'s
/// codes: quantized to unsigned integers `uᵢ = round((vᵢ − low)/step)` and bit-sliced, once with
/// `signQueryBits` bits (the sign-code scan) and once with `fullQueryBits` (full codes), plus
/// the sums the estimator needs.
///
/// `Σ cᵢ·vᵢ ≈ step·Σ cᵢ·uᵢ + low·Σ cᵢ`, so with the row factors
/// `⟨r′, v⟩ ≈ rescale · (step·S + low·Σcᵢ − h·Σvᵢ)`, `S` the integer sum of the scan.
package struct RaBitQQuery {
  /// The sliced sign-scan integers (`signQueryBits × words` words).
  package var signPlanes: [UInt64]
  /// The sliced full-code integers (`fullQueryBits × words` words).
  package var fullPlanes: [UInt64]
  /// `low` and `step` of the sign-scan quantization.
  package var signLow: Float = 0
  package var signStep: Float = 0
  /// `low` and `step` of the full-code quantization.
  package var fullLow: Float = 0
  package var fullStep: Float = 0
  /// `Σ vᵢ`.
  package var sum: Float = 0
  /// `‖v‖`.
  package var norm: Float = 0
  /// `‖v‖²`.
  package var normSquared: Float = 0
  private var integers: [UInt8]

  /// Working memory for vectors of `words` words per plane and `dimension` floats.
  package init(dimension: Int, words: Int) {
    signPlanes = [UInt64](repeating: 0, count: RaBitQuantizer.signQueryBits * words)
    fullPlanes = [UInt64](repeating: 0, count: RaBitQuantizer.fullQueryBits * words)
    integers = [UInt8](repeating: 0, count: dimension)
  }

  /// Prepares `vector` (`integers.count` floats of the rotated space).
  package mutating func prepare(_ vector: UnsafePointer<Float>, words: Int) {
    let dimension = integers.count
    var low = Float.infinity
    var high = -Float.infinity
    var total = 0.0
    var squares = 0.0
    for i in 0..<dimension {
      low = min(low, vector[i])
      high = max(high, vector[i])
      total += Double(vector[i])
      squares += Double(vector[i]) * Double(vector[i])
    }
    sum = Float(total)
    normSquared = Float(squares)
    norm = Float(squares.squareRoot())
    (signLow, signStep) = Self.quantize(
      vector, low: low, high: high, bits: RaBitQuantizer.signQueryBits, words: words,
      integers: &integers, into: &signPlanes)
    (fullLow, fullStep) = Self.quantize(
      vector, low: low, high: high, bits: RaBitQuantizer.fullQueryBits, words: words,
      integers: &integers, into: &fullPlanes)
  }

  /// Rounds `vector` onto `2^bits` levels between `low` and `high` and slices the integers.
  private static func quantize(
    _ vector: UnsafePointer<Float>, low: Float, high: Float, bits: Int, words: Int,
    integers: inout [UInt8], into planes: inout [UInt64]
  ) -> (low: Float, step: Float) {
    let top = Float((1 << bits) - 1)
    let step = high > low ? (high - low) / top : 0
    let inverse = step > 0 ? 1 / step : 0
    for i in integers.indices {
      integers[i] = UInt8(min(top, max(0, ((vector[i] - low) * inverse).rounded())))
    }
    integers.withUnsafeBufferPointer { values in
      planes.withUnsafeMutableBufferPointer { out in
        RaBitQScan.slice(values, bits: bits, words: words, into: out.baseAddress!)
      }
    }
    return (low, step)
  }
}
