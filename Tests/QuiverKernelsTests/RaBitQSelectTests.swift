import QuiverKernels
import QuiverTestSupport
import Testing

/// Random codes, query planes and factors for the RaBitQ estimate kernels.
private struct EstimateCase {
  let rowCount: Int
  let words: Int
  let bits: Int
  let factorCount: Int
  let sign: [UInt64]
  let extra: [UInt64]
  let signQuery: [UInt64]
  let fullQuery: [UInt64]
  let factors: [Float]
  /// Every other bit set, and whole words of none, so masked steps are both kept and skipped.
  let masks: [UInt32]

  init(rowCount: Int, dimension: Int, bits: Int, random: inout SeededGenerator) {
    self.rowCount = rowCount
    self.bits = bits
    words = RaBitQScan.wordCount(dimension: dimension)
    let words = words
    let padding = UInt64.max >> UInt64(words * 64 - dimension)
    let planes = { (count: Int, random: inout SeededGenerator) -> [UInt64] in
      (0..<count).map { index in
        let word = random.next()
        return index % words == words - 1 ? word & padding : word
      }
    }
    sign = planes(rowCount * words, &random)
    extra = planes(rowCount * (bits - 1) * words, &random)
    signQuery = planes(4 * words, &random)
    fullQuery = planes(8 * words, &random)
    let factorCount = bits == 1 ? 4 : 6
    self.factorCount = factorCount
    factors = (0..<(rowCount * factorCount)).map { index in
      switch index % factorCount {
      case 1: Float(Int.random(in: 0...dimension, using: &random))
      case 5: Float(Int.random(in: 0...(dimension * ((1 << bits) - 1)), using: &random))
      default: Float.random(in: 0.01...2, using: &random)
      }
    }
    masks = (0..<((rowCount + 31) / 32)).map { word in word % 3 == 2 ? 0 : 0x5555_5555 }
  }

  /// Sign estimates land around 0 (offset ≈ the middle of the sums' range), so a threshold of
  /// `base` keeps about half of the rows.
  func estimator(addsNormSquared: Bool) -> RaBitQEstimator {
    RaBitQEstimator(
      signStep: 0.013, signLow: -0.21, signOffset: Float(words * 64) * 1.7,
      fullStep: 0.0011, fullLow: -0.19, fullOffset: Float(words * 64) * Float((1 << bits) - 1) * 0.06,
      base: 1.25, scale: 2, boundScale: 0.37, addsNormSquared: addsNormSquared)
  }

  /// `qk_rabitq_select` on the active path.
  func select(estimator: RaBitQEstimator, threshold: Float, usesBound: Bool, masked: Bool)
    -> (rows: [UInt32], distances: [Float])
  {
    selectedRows(rowCount: rowCount) { rows, distances in
      sign.withUnsafeBufferPointer { codes in
        signQuery.withUnsafeBufferPointer { query in
          factors.withUnsafeBufferPointer { factorBuffer in
            masks.withUnsafeBufferPointer { maskBuffer in
              RaBitQScan.select(
                signCodes: codes.baseAddress ?? query.baseAddress!, rowCount: rowCount,
                words: words, query: query.baseAddress!, queryBits: 4,
                factors: factorBuffer.baseAddress ?? UnsafePointer(distances),
                factorCount: factorCount, estimator: estimator, threshold: threshold,
                usesBound: usesBound,
                rowMasks: masked ? maskBuffer.baseAddress ?? UnsafePointer(rows) : nil,
                rows: rows, distances: distances)
            }
          }
        }
      }
    }
  }

  /// `qk_rabitq_full_distances` of `rows` on the active path.
  func fullDistances(rows: [UInt32], estimator: RaBitQEstimator) -> [Float] {
    guard !rows.isEmpty else { return [] }
    var distances = [Float](repeating: 0, count: rows.count + 1)
    sign.withUnsafeBufferPointer { signCodes in
      extra.withUnsafeBufferPointer { extraCodes in
        fullQuery.withUnsafeBufferPointer { query in
          factors.withUnsafeBufferPointer { factorBuffer in
            rows.withUnsafeBufferPointer { rowBuffer in
              distances.withUnsafeMutableBufferPointer { out in
                RaBitQScan.fullDistances(
                  signCodes: signCodes.baseAddress!, extraCodes: extraCodes.baseAddress!,
                  words: words,
                  bits: bits, query: query.baseAddress!, queryBits: 8,
                  factors: factorBuffer.baseAddress!, factorCount: factorCount,
                  estimator: estimator, rows: rowBuffer.baseAddress!,
                  count: rows.count, distances: out.baseAddress!)
              }
            }
          }
        }
      }
    }
    return Array(distances[..<rows.count])
  }

  /// `Σ_j 2^(queryBits−1−j)·popcount(plane ∧ query_j)` in Swift.
  func planeSum(_ plane: ArraySlice<UInt64>, query: [UInt64], queryBits: Int) -> UInt32 {
    var total: UInt32 = 0
    for j in 0..<queryBits {
      var count: UInt32 = 0
      for (offset, word) in plane.enumerated() {
        count += UInt32((word & query[j * words + offset]).nonzeroBitCount)
      }
      total = total &* 2 &+ count
    }
    return total
  }

  /// The selection computed in Swift, one rounding per operation as the kernel documents.
  func referenceSelect(
    estimator e: RaBitQEstimator, threshold: Float, usesBound: Bool, masked: Bool
  ) -> (rows: [UInt32], distances: [Float]) {
    var rows: [UInt32] = []
    var distances: [Float] = []
    for row in 0..<rowCount {
      if masked, (masks[row / 32] >> UInt32(row % 32)) & 1 == 0 { continue }
      let sum = planeSum(sign[(row * words)..<((row + 1) * words)], query: signQuery, queryBits: 4)
      let f = Array(factors[(row * factorCount)..<((row + 1) * factorCount)])
      let distance = Self.distance(
        e, step: e.signStep, low: e.signLow, offset: e.signOffset, sum: sum, rescale: f[0],
        codeSum: f[1], normSquared: f[3])
      let bound = e.boundScale * f[2]
      if (usesBound ? distance - bound : distance) <= threshold {
        rows.append(UInt32(row))
        distances.append(distance)
      }
    }
    return (rows, distances)
  }

  /// The full-code distances computed in Swift.
  func referenceFullDistances(rows: [UInt32], estimator e: RaBitQEstimator) -> [Float] {
    rows.map { row in
      let r = Int(row)
      var total = planeSum(sign[(r * words)..<((r + 1) * words)], query: fullQuery, queryBits: 8)
      let extraWords = (bits - 1) * words
      for plane in 0..<(bits - 1) {
        let start = r * extraWords + plane * words
        total = total &* 2 &+ planeSum(extra[start..<(start + words)], query: fullQuery, queryBits: 8)
      }
      let f = Array(factors[(r * factorCount)..<((r + 1) * factorCount)])
      return Self.distance(
        e, step: e.fullStep, low: e.fullLow, offset: e.fullOffset, sum: total, rescale: f[4],
        codeSum: f[5], normSquared: f[3])
    }
  }

  /// The documented formula in Swift, one rounding per operation.
  static func distance(
    _ e: RaBitQEstimator, step: Float, low: Float, offset: Float, sum: UInt32, rescale: Float,
    codeSum: Float, normSquared: Float
  ) -> Float {
    let inner = (step * Float(sum) + low * codeSum) - offset
    let base = e.addsNormSquared ? e.base + normSquared : e.base
    return base - e.scale * (rescale * inner)
  }
}

/// Bit patterns, so that -0 and NaN compare as the kernels wrote them.
private func bitPatterns(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

extension KernelPathTests {
  static let rabitqSelectRowCounts = [0, 1, 31, 32, 33, 1000]

  @Test(arguments: KernelISA.supported)
  func rabitqSelectMatchesTheReferenceBitForBit(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0A18)
      for rowCount in Self.rabitqSelectRowCounts {
        for (dimension, bits) in [(384, 1), (100, 2), (384, 4), (65, 8)] {
          let data = EstimateCase(rowCount: rowCount, dimension: dimension, bits: bits, random: &random)
          for addsNorm in [false, true] {
            let estimator = data.estimator(addsNormSquared: addsNorm)
            for (usesBound, masked) in [(false, false), (true, false), (false, true), (true, true)] {
              for threshold in [Float.infinity, estimator.base, -Float.infinity] {
                let label = "\(isa) \(rowCount) rows, \(dimension) dims, \(bits) bits, bound \(usesBound), masked \(masked), norm \(addsNorm), threshold \(threshold)"
                let found = data.select(
                  estimator: estimator, threshold: threshold, usesBound: usesBound, masked: masked)
                let expected = data.referenceSelect(
                  estimator: estimator, threshold: threshold, usesBound: usesBound, masked: masked)
                #expect(found.rows == expected.rows, "\(label)")
                #expect(bitPatterns(found.distances) == bitPatterns(expected.distances), "\(label)")
                if threshold == .infinity {
                  let allowed = masked ? (0..<rowCount).filter { data.masks[$0 / 32] >> UInt32($0 % 32) & 1 == 1 }.count : rowCount
                  #expect(found.rows.count == allowed, "\(label)")
                }
                guard bits > 1 else { continue }
                let full = data.fullDistances(rows: found.rows, estimator: estimator)
                #expect(
                  bitPatterns(full) == bitPatterns(data.referenceFullDistances(rows: found.rows, estimator: estimator)),
                  "\(label)")
              }
            }
          }
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func rabitqPrepareQueryMatchesTheLibrarySlices(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0A19)
      for dimension in [1, 31, 32, 33, 64, 100, 384, 1000] {
        let words = RaBitQScan.wordCount(dimension: dimension)
        let vector = random.floats(dimension, in: -3...3)
        let centroid = random.floats(dimension)
        var residual = [Float](repeating: 0, count: dimension)
        var integers = [UInt8](repeating: 0, count: dimension)
        var sign = [UInt64](repeating: 0xFFFF, count: 4 * words)
        var full = [UInt64](repeating: 0xFFFF, count: 8 * words)
        let summary = RaBitQScan.prepareQuery(
          vector, centroid: centroid, dimension: dimension, words: words, signBits: 4,
          fullBits: 8, residual: &residual, integers: &integers, signPlanes: &sign,
          fullPlanes: &full)
        let expectedResidual = zip(vector, centroid).map { $0 - $1 }
        #expect(residual == expectedResidual)
        let low = expectedResidual.min()!
        let high = expectedResidual.max()!
        #expect(summary.signLow == low && summary.fullLow == low)
        #expect(summary.sum == Float(expectedResidual.reduce(0.0) { $0 + Double($1) }))
        for (bits, planes, step) in [(4, sign, summary.signStep), (8, full, summary.fullStep)] {
          #expect(step == (high - low) / Float((1 << bits) - 1))
          let inverse = 1 / step
          let expectedIntegers = expectedResidual.map {
            UInt8(min(Float((1 << bits) - 1), max(0, (($0 - low) * inverse).rounded())))
          }
          var expectedPlanes = [UInt64](repeating: 0, count: bits * words)
          expectedIntegers.withUnsafeBufferPointer {
            RaBitQScan.slice($0, bits: bits, words: words, into: &expectedPlanes)
          }
          #expect(planes == expectedPlanes, "\(isa) \(dimension) dims, \(bits) bits")
        }
      }
    }
  }
}
