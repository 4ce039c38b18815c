import QuiverKernels

/// An 8-bit scalar quantizer: each dimension `i` maps `[offsets[i], offsets[i] + 255·scales[i]]`
/// onto codes 0...255; values outside the range clamp. Ranges are trained per dimension from
/// quantiles of a sample, so a few outliers do not waste the 256 levels.
///
/// Distances are computed on the codes: squared L2 via `scanSquaredL2` after
/// `prepareSquaredL2`, inner products via `scanInnerProduct` after `prepareInnerProduct`.
package struct ScalarQuantizer: Sendable, Hashable {
  /// Dimensions per vector (and bytes per code).
  package let dimension: Int
  /// The value code 0 stands for, per dimension.
  package let offsets: [Float]
  /// The step between codes, per dimension (positive).
  package let scales: [Float]

  /// The fraction of the sample left outside each end of a dimension's range.
  package static let tailFraction = 0.001
  /// Most sample rows used to find the ranges.
  package static let maximumTrainingRows = 20_000

  /// Wraps trained ranges.
  ///
  /// - Precondition: `offsets.count == scales.count == dimension`, scales positive.
  package init(dimension: Int, offsets: [Float], scales: [Float]) {
    precondition(offsets.count == dimension && scales.count == dimension, "bad SQ ranges")
    self.dimension = dimension
    self.offsets = offsets
    self.scales = scales
  }

  /// Trains per-dimension ranges from the `tailFraction` and `1 − tailFraction` quantiles of
  /// (up to `maximumTrainingRows` of) `count` vectors.
  package static func train(
    vectors: UnsafePointer<Float>, count: Int, dimension: Int, seed: UInt64
  ) -> ScalarQuantizer {
    var random = SeededRandom(seed: seed)
    let rows =
      count <= maximumTrainingRows
      ? Array(0..<count) : random.sample(maximumTrainingRows, from: count)
    var offsets = [Float](repeating: 0, count: dimension)
    var scales = [Float](repeating: 1, count: dimension)
    var column = [Float](repeating: 0, count: rows.count)
    for i in 0..<dimension {
      for (j, row) in rows.enumerated() { column[j] = vectors[row * dimension + i] }
      column.sort()
      let lowIndex = Int(Double(rows.count - 1) * tailFraction)
      let highIndex = Int((Double(rows.count - 1) * (1 - tailFraction)).rounded(.up))
      let low = column.isEmpty ? 0 : column[lowIndex]
      let high = column.isEmpty ? 0 : column[highIndex]
      offsets[i] = low
      let span = high - low
      scales[i] = span > 0 ? span / 255 : max(abs(low), 1) * 1e-6
    }
    return ScalarQuantizer(dimension: dimension, offsets: offsets, scales: scales)
  }

  /// Encodes `count` vectors into `count × dimension` bytes.
  package func encode(
    vectors: UnsafePointer<Float>, count: Int, into codes: UnsafeMutablePointer<UInt8>
  ) {
    for row in 0..<count {
      for i in 0..<dimension {
        let level = ((vectors[row * dimension + i] - offsets[i]) / scales[i]).rounded()
        codes[row * dimension + i] = UInt8(min(255, max(0, level)))
      }
    }
  }

  /// Writes the vector `code` stands for into `out`.
  package func decode(_ code: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>) {
    for i in 0..<dimension { out[i] = offsets[i] + scales[i] * Float(code[i]) }
  }

  /// `out = query − offsets`, the query form `scanSquaredL2` takes.
  package func prepareSquaredL2(
    query: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    for i in 0..<dimension { out[i] = query[i] - offsets[i] }
  }

  /// `out[j] = ‖query − decode(code_j)‖²`, given `prepared` from `prepareSquaredL2`.
  package func scanSquaredL2(
    prepared: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    guard count > 0 else { return }
    scales.withUnsafeBufferPointer { scale in
      QuantizedKernels.sq8SquaredL2(
        queryMinusOffset: prepared, scale: scale.baseAddress!, codes: codes, count: count,
        dimension: dimension, into: out)
    }
  }

  /// Writes `weights = query · scales` and returns `Σ query · offsets`, so that
  /// `query · decode(code) = constant + Σ weights · code`.
  package func prepareInnerProduct(
    query: UnsafePointer<Float>, into weights: UnsafeMutablePointer<Float>
  ) -> Float {
    var constant: Float = 0
    for i in 0..<dimension {
      weights[i] = query[i] * scales[i]
      constant += query[i] * offsets[i]
    }
    return constant
  }

  /// `out[j] = Σ weights · code_j` (add the constant of `prepareInnerProduct` for the inner
  /// product).
  package func scanInnerProduct(
    weights: UnsafePointer<Float>, codes: UnsafePointer<UInt8>, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    guard count > 0 else { return }
    QuantizedKernels.sq8WeightedSum(
      weight: weights, codes: codes, count: count, dimension: dimension, into: out)
  }
}
