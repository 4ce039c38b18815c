import QuiverKernels
import QuiverTestSupport

/// Double-precision reference implementations of every kernel, and the tolerance a `Float`
/// kernel is held to.
enum KernelReference {
  /// The dimensions the issue names: around every SIMD width, odd sizes and real embedding sizes.
  static let dimensions = [1, 2, 3, 7, 8, 15, 16, 17, 31, 100, 128, 384, 768, 1536]

  /// A scale that makes values in [-1, 1] subnormal (about 9e-41).
  static let subnormal = Float.leastNormalMagnitude / 128

  /// The exact value of `metric` between two vectors, and the error a float kernel may make.
  ///
  /// Float sums of n terms err by about ε·√n·Σ|term| when rounding errors are independent; the
  /// bound used is 1e-6·√n·Σ|term| (≈ 8ε·√n), tight enough that one lost or doubled term fails
  /// at every tested dimension, plus n·1e-44 for terms that are subnormal.
  static func distance(
    _ metric: DistanceMetric, _ a: UnsafePointer<Float>,
    _ b: UnsafePointer<Float>, _ dimension: Int
  ) -> (value: Double, tolerance: Double) {
    var dot = 0.0
    var absDot = 0.0
    var l2 = 0.0
    var normA = 0.0
    var normB = 0.0
    for i in 0..<dimension {
      let x = Double(a[i])
      let y = Double(b[i])
      dot += x * y
      absDot += abs(x * y)
      l2 += (x - y) * (x - y)
      normA += x * x
      normB += y * y
    }
    let spread = 1e-6 * Double(dimension).squareRoot()
    let subnormal = Double(dimension) * 1e-44
    switch metric {
    case .l2:
      return (l2, spread * l2 + subnormal)
    case .dot:
      return (1 - dot, spread * absDot + subnormal + 1e-7)
    case .cosine:
      guard normA > 0, normB > 0 else { return (1, 0) }
      let norms = normA.squareRoot() * normB.squareRoot()
      let cosine = min(2, max(0, 1 - dot / norms))
      return (cosine, 2 * spread * (absDot / norms + 1) + 2e-7)
    }
  }

  /// Whether a float kernel result agrees with a reference value: within tolerance, or both
  /// beyond the float range in the same direction.
  static func agrees(_ got: Float, _ reference: (value: Double, tolerance: Double)) -> Bool {
    let expected = Float(reference.value)
    if expected.isInfinite { return got == expected }
    return abs(Double(got) - reference.value) <= reference.tolerance
  }

  /// Σ (qMinusOffset[i] − scale[i]·code[i])².
  static func sq8SquaredL2(_ qMinusOffset: [Float], _ scale: [Float], _ codes: ArraySlice<UInt8>)
    -> (value: Double, tolerance: Double)
  {
    var sum = 0.0
    for (i, code) in codes.enumerated() {
      let d = Double(qMinusOffset[i]) - Double(scale[i]) * Double(code)
      sum += d * d
    }
    return (sum, 1e-6 * Double(codes.count).squareRoot() * sum + 1e-30)
  }

  /// Σ weight[i]·code[i].
  static func sq8WeightedSum(_ weight: [Float], _ codes: ArraySlice<UInt8>)
    -> (value: Double, tolerance: Double)
  {
    var sum = 0.0
    var magnitude = 0.0
    for (i, code) in codes.enumerated() {
      sum += Double(weight[i]) * Double(code)
      magnitude += abs(Double(weight[i]) * Double(code))
    }
    return (sum, 1e-6 * Double(codes.count).squareRoot() * magnitude + 1e-30)
  }
}

extension KernelReference {
  /// The exact value of a half-precision bit pattern (written independently of the kernels).
  static func halfToDouble(_ bits: UInt16) -> Double {
    let sign: Double = bits & 0x8000 != 0 ? -1 : 1
    let exponent = Int((bits >> 10) & 0x1F)
    let mantissa = Double(bits & 0x3FF)
    if exponent == 0 { return sign * mantissa * 0x1p-24 }
    if exponent == 31 { return mantissa == 0 ? sign * .infinity : .nan }
    let scale = Double(sign: .plus, exponent: exponent - 15, significand: 1)
    return sign * (1 + mantissa / 1024) * scale
  }

  /// Random finite halves with magnitudes up to 2^(maxExponent − 14), subnormals included.
  static func randomHalves(
    _ count: Int, maxExponent: UInt16 = 16, using random: inout SeededGenerator
  ) -> [UInt16] {
    (0..<count).map { _ in
      let sign = UInt16.random(in: 0...1, using: &random) << 15
      let exponent = UInt16.random(in: 0...maxExponent, using: &random) << 10
      return sign | exponent | UInt16.random(in: 0...0x3FF, using: &random)
    }
  }
}
