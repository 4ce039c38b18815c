import QuiverKernels

/// RaBitQ codes of rotated residuals (Gao and Long, SIGMOD 2024; the multi-bit codes of
/// "extended RaBitQ", Gao et al., SIGMOD 2025), and the estimator of inner products from them.
///
/// A rotated residual `r′` (norm `ρ`, direction `o = r′/ρ`) is stored as a grid point `y` with
/// `numBits` bits per dimension: `yᵢ = ±(kᵢ + ½)`, its sign the sign of `oᵢ` and `kᵢ` from
/// rounding `t·|oᵢ|` for the scale `t` that makes `y` point closest to `o`; the stored code is
/// `cᵢ = yᵢ + h` with `h = (2^numBits − 1)/2`, so the most significant bit of `cᵢ` is the sign
/// bit, and the sign bits alone are the 1-bit RaBitQ code `y¹ᵢ = ±½`.
///
/// For any vector `v` in the rotated space, `⟨r′, v⟩ ≈ ρ·⟨y, v⟩ / ⟨y, o⟩` — unbiased over the
/// random rotation — and with probability that grows quickly with `ε₀` its error is at most
/// `ε₀ · ‖v‖ · ρ · √(1 − α²)/α / √(D − 1)`, `α` the cosine between `y` and `o`. Each row keeps
/// the factors that turn the integer sum `Σ cᵢ·uᵢ` (a quantized `v`, from `RaBitQScan`) into
/// that estimate, for the sign code and for the full code.
///
/// Codes are bit planes (`RaBitQScan`): a row's sign plane, then its `numBits − 1` extra planes,
/// most significant first.
package struct RaBitQuantizer: Sendable, Hashable {
  /// Floats per vector.
  package let dimension: Int
  /// Bits per dimension (1–8).
  package let bits: Int

  /// Bits of the query integers the sign-code scan uses (enough for 1-bit codes: RaBitQ §3.3).
  package static let signQueryBits = 4
  /// Bits of the query integers of the full-code estimate.
  package static let fullQueryBits = 8
  /// `ε₀` of the error bound: how many "standard errors" a candidate's sign-code estimate may
  /// be off before it is dropped without its full estimate (the paper's 1.9).
  package static let confidence: Float = 1.9
  /// Scales `t` tried per row when choosing the multi-bit grid point.
  static let scaleCandidates = 48

  /// Per-row factors, in this order: the sign code's rescale `ρ/⟨y¹, o⟩`, its count of set
  /// sign bits, its error factor `ρ·√(1 − α₁²)/α₁/√(D − 1)`, `ρ²`; with more than one bit, the
  /// full code's rescale `ρ/⟨y, o⟩` and `Σ cᵢ`.
  package enum Factor {
    package static let signRescale = 0
    package static let signCount = 1
    package static let signError = 2
    package static let normSquared = 3
    package static let fullRescale = 4
    package static let codeSum = 5
  }

  /// Creates the quantizer of `dimension`-dimensional vectors with `bits` bits per dimension.
  package init(dimension: Int, bits: Int) {
    precondition(dimension > 0 && (1...8).contains(bits), "bad RaBitQ shape")
    self.dimension = dimension
    self.bits = bits
  }

  /// 64-bit words per bit plane.
  package var words: Int { RaBitQScan.wordCount(dimension: dimension) }
  /// Words of a row's extra planes (0 for 1-bit codes).
  package var extraWords: Int { (bits - 1) * words }
  /// Floats of per-row factors.
  package var factorCount: Int { bits == 1 ? 4 : 6 }
  /// `h`: the offset between stored codes and grid points.
  package var halfRange: Float { Float((1 << bits) - 1) / 2 }
  /// Bytes a row takes besides its row id.
  package var bytesPerRow: Int { (words + extraWords) * 8 + factorCount * 4 }

  /// Encodes one rotated residual: its sign plane into `sign` (`words` words), its extra planes
  /// into `extra` (`extraWords` words) and its factors into `factors` (`factorCount` floats).
  /// `scratch` holds `dimension` floats.
  package func encode(
    _ residual: UnsafePointer<Float>, sign: UnsafeMutablePointer<UInt64>,
    extra: UnsafeMutablePointer<UInt64>, factors: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    sign.update(repeating: 0, count: words)
    extra.update(repeating: 0, count: extraWords)
    var normSquared = 0.0
    for i in 0..<dimension { normSquared += Double(residual[i]) * Double(residual[i]) }
    let norm = normSquared.squareRoot()
    var signCount = 0
    var absoluteSum = 0.0
    for i in 0..<dimension where residual[i] > 0 {
      sign[i >> 6] |= UInt64(1) << UInt64(i & 63)
      signCount += 1
    }
    factors[Factor.signCount] = Float(signCount)
    factors[Factor.normSquared] = Float(normSquared)
    guard norm > 0, norm.isFinite else {
      // The row is its centroid: every estimate is 0, exactly.
      factors[Factor.signRescale] = 0
      factors[Factor.signError] = 0
      if bits > 1 {
        factors[Factor.fullRescale] = 0
        // Grid points ±½ (extra bits 0 for positive, all ones for negative) keep Σc exact.
        writeExtraPlanes(levels: nil, sign: sign, extra: extra)
        factors[Factor.codeSum] = codeSum(sign: sign, extra: extra)
      }
      return
    }
    var largest = 0.0
    for i in 0..<dimension {
      let magnitude = abs(Double(residual[i])) / norm
      scratch[i] = Float(magnitude)
      absoluteSum += magnitude
      largest = max(largest, magnitude)
    }
    // Sign code: ⟨y¹, o⟩ = ½·Σ|oᵢ|, ‖y¹‖ = ½·√D.
    let signDot = absoluteSum / 2
    let signCosine = absoluteSum / Double(dimension).squareRoot()
    factors[Factor.signRescale] = Float(norm / signDot)
    factors[Factor.signError] = Float(errorFactor(norm: norm, cosine: signCosine))
    guard bits > 1 else { return }

    // Multi-bit code: the scale t whose grid point is closest in angle to o.
    let top = Double(1 << (bits - 1))
    let highest = Double(halfRange)
    var bestScale = 0.0
    var bestCosine = -1.0
    for candidate in 1...Self.scaleCandidates {
      let scale = top / largest * Double(candidate) / Double(Self.scaleCandidates) * 1.5
      var dot = 0.0
      var squares = 0.0
      for i in 0..<dimension {
        let level = min((scale * Double(scratch[i])).rounded(.down) + 0.5, highest)
        dot += level * Double(scratch[i])
        squares += level * level
      }
      let cosine = dot / squares.squareRoot()
      if cosine > bestCosine {
        bestCosine = cosine
        bestScale = scale
      }
    }
    var gridDot = 0.0
    for i in 0..<dimension {
      let level = min((bestScale * Double(scratch[i])).rounded(.down) + 0.5, highest)
      gridDot += level * Double(scratch[i])
      scratch[i] = Float(level)
    }
    writeExtraPlanes(levels: scratch, sign: sign, extra: extra)
    factors[Factor.fullRescale] = Float(norm / gridDot)
    factors[Factor.codeSum] = codeSum(sign: sign, extra: extra)
  }

  /// The estimator constants of a prepared query (`RaBitQScan.select`, `.fullDistances`):
  /// a row's distance is `base (+ its ‖o‖² when addsNormSquared) − scale·⟨r′, v⟩`, its sign
  /// estimate's error bound `scale·ε₀·‖v‖` times its error factor.
  package func estimator(
    for query: RaBitQQuerySummary, base: Float, scale: Float, addsNormSquared: Bool
  ) -> RaBitQEstimator {
    RaBitQEstimator(
      signStep: query.signStep, signLow: query.signLow, signOffset: 0.5 * query.sum,
      fullStep: query.fullStep, fullLow: query.fullLow, fullOffset: halfRange * query.sum,
      base: base, scale: scale, boundScale: scale * (Self.confidence * query.norm),
      addsNormSquared: addsNormSquared)
  }

  /// `ρ·√(1 − α²)/α/√(D − 1)`: the error bound's per-row part.
  private func errorFactor(norm: Double, cosine: Double) -> Double {
    guard cosine > 0 else { return 0 }
    let clamped = min(cosine, 1)
    return norm * (1 - clamped * clamped).squareRoot() / clamped
      / Double(max(1, dimension - 1)).squareRoot()
  }

  /// Writes the extra planes of codes `cᵢ = yᵢ + h` for grid magnitudes `levels` (nil: all ½).
  /// For a positive `yᵢ = k + ½` the low bits of `cᵢ` are `k`; for a negative one, `2^(b−1) − 1 − k`.
  private func writeExtraPlanes(
    levels: UnsafePointer<Float>?, sign: UnsafePointer<UInt64>, extra: UnsafeMutablePointer<UInt64>
  ) {
    let low = (1 << (bits - 1)) - 1
    for i in 0..<dimension {
      let step = levels.map { Int($0[i] - 0.5) } ?? 0
      let positive = (sign[i >> 6] >> UInt64(i & 63)) & 1 == 1
      let value = positive ? step : low - step
      for plane in 0..<(bits - 1) where (value >> (bits - 2 - plane)) & 1 == 1 {
        extra[plane * words + (i >> 6)] |= UInt64(1) << UInt64(i & 63)
      }
    }
  }

  /// `Σᵢ cᵢ` of a stored code.
  private func codeSum(sign: UnsafePointer<UInt64>, extra: UnsafePointer<UInt64>) -> Float {
    var total = 0
    for word in 0..<words { total += sign[word].nonzeroBitCount << (bits - 1) }
    for plane in 0..<(bits - 1) {
      var count = 0
      for word in 0..<words { count += extra[plane * words + word].nonzeroBitCount }
      total += count << (bits - 2 - plane)
    }
    return Float(total)
  }

  /// The code `cᵢ` of dimension `i` of a stored row (for tests and decoding).
  package func code(
    dimension i: Int, sign: UnsafePointer<UInt64>, extra: UnsafePointer<UInt64>
  ) -> Int {
    var value = Int((sign[i >> 6] >> UInt64(i & 63)) & 1)
    for plane in 0..<(bits - 1) {
      value = value << 1 | Int((extra[plane * words + (i >> 6)] >> UInt64(i & 63)) & 1)
    }
    return value
  }
}
