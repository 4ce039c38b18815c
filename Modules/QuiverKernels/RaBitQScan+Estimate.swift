import CQuiverKernels

/// The constants of one query's RaBitQ distance estimate in one partition. With `S` a row's
/// integer scan sum and `f` its factors (`RaBitQuantizer.Factor` order):
///
/// - sign estimate `e = f₀·((signStep·S + signLow·f₁) − signOffset)`,
/// - full estimate `e = f₄·((fullStep·S + fullLow·f₅) − fullOffset)`,
/// - distance `base (+ f₃ when addsNormSquared) − scale·e`, error bound `boundScale·f₂`,
///
/// each operation rounded to `Float` in this order on every instruction-set path.
package struct RaBitQEstimator: Sendable {
  /// Step, low end and offset (`½·Σvᵢ`) of the sign-scan query integers.
  package var signStep: Float
  package var signLow: Float
  package var signOffset: Float
  /// Step, low end and offset (`h·Σvᵢ`) of the full-code query integers.
  package var fullStep: Float
  package var fullLow: Float
  package var fullOffset: Float
  /// The distance of a row whose estimate is 0 (before its own `‖o‖²` term).
  package var base: Float
  /// How much the estimate counts: 2 for squared L2, 1 for the inner product.
  package var scale: Float
  /// `scale·ε₀·‖v‖`: times a row's error factor, its bound.
  package var boundScale: Float
  /// Whether each row's `‖o‖²` factor joins the base (squared L2 and cosine).
  package var addsNormSquared: Bool

  /// Creates the constants.
  package init(
    signStep: Float, signLow: Float, signOffset: Float, fullStep: Float, fullLow: Float,
    fullOffset: Float, base: Float, scale: Float, boundScale: Float, addsNormSquared: Bool
  ) {
    self.signStep = signStep
    self.signLow = signLow
    self.signOffset = signOffset
    self.fullStep = fullStep
    self.fullLow = fullLow
    self.fullOffset = fullOffset
    self.base = base
    self.scale = scale
    self.boundScale = boundScale
    self.addsNormSquared = addsNormSquared
  }

  var kernelValue: qk_rabitq_estimator {
    qk_rabitq_estimator(
      sign_step: signStep, sign_low: signLow, sign_offset: signOffset, full_step: fullStep,
      full_low: fullLow, full_offset: fullOffset, base: base, scale: scale,
      bound_scale: boundScale, add_norm: addsNormSquared ? 1 : 0)
  }
}

/// What `RaBitQScan.prepareQuery` reports about the vector it prepared.
package struct RaBitQQuerySummary: Sendable, Hashable {
  /// The sign-scan integers `u` stand for `signLow + signStep·u`.
  package var signLow: Float = 0
  package var signStep: Float = 0
  /// The full-code integers `u` stand for `fullLow + fullStep·u`.
  package var fullLow: Float = 0
  package var fullStep: Float = 0
  /// `Σ vᵢ`, `‖v‖²` and `‖v‖` (summed in `Double`).
  package var sum: Float = 0
  package var normSquared: Float = 0
  package var norm: Float = 0

  /// A summary of zeros.
  package init() {}
}

extension RaBitQScan {
  /// Prepares `v = vector − centroid` (`vector` when `centroid` is nil) for the scans: writes
  /// `v` to `residual`, rounds it onto `2^signBits` and `2^fullBits` levels between its minimum
  /// and maximum and slices the integers into `signPlanes` and `fullPlanes`
  /// (`qk_rabitq_prepare_query`).
  ///
  /// - Precondition: `dimension <= words × 64`, bits in 1...8; `vector`, `centroid`,
  ///   `residual` hold `dimension` floats, `integers` `dimension` bytes, the planes
  ///   `bits × words` words.
  package static func prepareQuery(
    _ vector: UnsafePointer<Float>, centroid: UnsafePointer<Float>?, dimension: Int, words: Int,
    signBits: Int, fullBits: Int, residual: UnsafeMutablePointer<Float>,
    integers: UnsafeMutablePointer<UInt8>, signPlanes: UnsafeMutablePointer<UInt64>,
    fullPlanes: UnsafeMutablePointer<UInt64>
  ) -> RaBitQQuerySummary {
    precondition(dimension > 0 && dimension <= words * bitsPerWord, "bad RaBitQ query shape")
    precondition((1...8).contains(signBits) && (1...8).contains(fullBits), "bad query bits")
    var summary = qk_rabitq_query_summary()
    qk_rabitq_prepare_query(
      vector, centroid, dimension, words, signBits, fullBits, residual, integers, signPlanes,
      fullPlanes, &summary)
    var result = RaBitQQuerySummary()
    result.signLow = summary.sign_low
    result.signStep = summary.sign_step
    result.fullLow = summary.full_low
    result.fullStep = summary.full_step
    result.sum = summary.sum
    result.normSquared = summary.norm_squared
    result.norm = summary.norm
    return result
  }

  /// Scans `rowCount` rows of 1-bit sign codes against `query` and writes to `rows` and
  /// `distances` the index and sign-estimate distance of every row whose distance (less its
  /// error bound when `usesBound`) is at most `threshold` and whose bit in `rowMasks` (row `r`:
  /// bit `r % 32` of word `r / 32`) is set when masks are given (`qk_rabitq_select`). Every
  /// instruction-set path selects the same rows with the same distances, bit for bit.
  ///
  /// - Returns: how many rows were selected, in ascending order.
  /// - Precondition: `factorCount >= 4`; `codes` hold `rowCount × words` words, `query`
  ///   `queryBits × words`, `factors` `rowCount × factorCount` floats, `rowMasks`
  ///   `⌈rowCount / 32⌉` words, `rows` and `distances` room for `rowCount`; the scan's sums fit
  ///   31 bits (`maximumSum`).
  /// - Complexity: O(rowCount × queryBits × words).
  package static func select(
    signCodes: UnsafePointer<UInt64>, rowCount: Int, words: Int, query: UnsafePointer<UInt64>,
    queryBits: Int, factors: UnsafePointer<Float>, factorCount: Int,
    estimator: RaBitQEstimator, threshold: Float, usesBound: Bool,
    rowMasks: UnsafePointer<UInt32>?, rows: UnsafeMutablePointer<UInt32>,
    distances: UnsafeMutablePointer<Float>
  ) -> Int {
    precondition(rowCount >= 0 && words > 0 && factorCount >= 4, "bad RaBitQ select shape")
    var constants = estimator.kernelValue
    return qk_rabitq_select(
      signCodes, rowCount, words, query, queryBits, factors, factorCount, &constants, threshold,
      usesBound ? 1 : 0, rowMasks, rows, distances)
  }

  /// Writes the full-code distance of each of `count` rows (indices `rows`) into `distances`:
  /// row `r`'s sign plane is `signCodes + r·words`, its `bits − 1` extra planes
  /// `extraCodes + r·(bits − 1)·words` (`qk_rabitq_full_distances`).
  ///
  /// - Precondition: `bits` in 2...8, `factorCount >= 6`, every listed row inside the codes
  ///   and factors; `distances` room for `count`.
  /// - Complexity: O(count × bits × queryBits × words).
  package static func fullDistances(
    signCodes: UnsafePointer<UInt64>, extraCodes: UnsafePointer<UInt64>, words: Int, bits: Int,
    query: UnsafePointer<UInt64>, queryBits: Int, factors: UnsafePointer<Float>,
    factorCount: Int, estimator: RaBitQEstimator, rows: UnsafePointer<UInt32>, count: Int,
    distances: UnsafeMutablePointer<Float>
  ) {
    precondition((2...8).contains(bits) && factorCount >= 6 && count >= 0, "bad full shape")
    var constants = estimator.kernelValue
    qk_rabitq_full_distances(
      signCodes, extraCodes, words, bits, query, queryBits, factors, factorCount, &constants,
      rows, count, distances)
  }
}
