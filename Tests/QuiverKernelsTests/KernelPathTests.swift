import Foundation
import QuiverKernels
import QuiverTestSupport
import Testing

/// The tests that run kernels on a chosen instruction-set path. Each forces the path on its own
/// thread only (`KernelISA.onThisThread`): tests running at the same time keep the process-wide
/// path, so results that must be identical from one call to the next (an exact search on 1 or
/// 3 threads) never mix two paths.
@Suite(.serialized)
struct KernelPathTests {
  /// Runs `body` with the kernels it calls on this thread forced onto `isa`.
  func withPath(_ isa: KernelISA, _ body: () throws -> Void) rethrows {
    let ran = try KernelISA.onThisThread(isa) {
      #expect(KernelISA.active == isa)
      try body()
    }
    #expect(ran != nil, "this CPU lists \(isa) as supported but refused it")
  }

  @Test func detectedPathIsSupportedAndOthersAreRefused() {
    let supported = KernelISA.supported
    #expect(supported.first == .scalar)
    #expect(supported.contains(KernelISA.detected))
    let before = KernelISA.active
    for isa in KernelISA.allCases where !supported.contains(isa) {
      #expect(!KernelISA.force(isa))
      #expect(KernelISA.active == before)
    }
  }

  /// A path forced on one thread is not seen by another thread, which keeps the process-wide one.
  @Test func aPathForcedOnOneThreadLeavesOtherThreadsAlone() {
    let processWide = KernelISA.active
    for isa in KernelISA.supported {
      withPath(isa) {
        let seen = SeenPath()
        let done = DispatchSemaphore(value: 0)
        Thread {
          seen.isa = KernelISA.active
          done.signal()
        }.start()
        done.wait()
        #expect(seen.isa == processWide, "\(isa) forced on one thread leaked")
      }
    }
    #expect(KernelISA.active == processWide)
  }

  /// `@unchecked Sendable`: written by one thread before it signals, read after the wait.
  final class SeenPath: @unchecked Sendable {
    var isa: KernelISA?
  }

  @Test(arguments: KernelISA.supported)
  func floatDistancesMatchDoubleReference(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0001)
      for dimension in KernelReference.dimensions {
        // 9 points: two full groups of four and a leftover; 6 queries: a 4-row tile and a 2-row
        // leftover. One extra float in front of each buffer makes every vector unaligned.
        let pointCount = 9
        let queryCount = 6
        let queries = random.floats(queryCount * dimension + 1)
        let points = random.floats(pointCount * dimension + 1)
        checkAllShapes(
          queries: queries, points: points, queryCount: queryCount, pointCount: pointCount,
          dimension: dimension, label: "\(isa) random dim \(dimension)")
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func edgeMagnitudesMatchDoubleReference(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0002)
      for dimension in [1, 7, 16, 17, 100, 384] {
        let pointCount = 5
        let queryCount = 3
        var cases: [(String, [Float], [Float])] = []
        let zeros = [Float](repeating: 0, count: queryCount * dimension + 1)
        cases.append(("zero queries", zeros, random.floats(pointCount * dimension + 1)))
        cases.append(
          ("all zeros", zeros, [Float](repeating: 0, count: pointCount * dimension + 1)))
        for scale: Float in [1e15, 1e-15, 1e-20] {
          cases.append(
            (
              "scale \(scale)", random.floats(queryCount * dimension + 1).map { $0 * scale },
              random.floats(pointCount * dimension + 1).map { $0 * scale }
            ))
        }
        let mixed = (0..<(pointCount * dimension + 1)).map { i -> Float in
          (i % 2 == 0 ? 1e10 : 1e-10) * Float(i % 7 + 1)
        }
        cases.append(("mixed magnitudes", random.floats(queryCount * dimension + 1), mixed))
        for (name, queries, points) in cases {
          checkAllShapes(
            queries: queries, points: points, queryCount: queryCount, pointCount: pointCount,
            dimension: dimension, label: "\(isa) \(name) dim \(dimension)")
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func cosineStaysExactForHugeAndTinyMagnitudes(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0003)
      for dimension in [3, 17, 384] {
        let a = random.floats(dimension)
        let b = random.floats(dimension)
        let expected = try DistanceMetric.cosine.distance(a, b)
        // Squared norms overflow (1e25² · n) or underflow (1e-25²) in Float.
        for scale: Float in [1e25, 1e-25, KernelReference.subnormal] {
          let scaledA = a.map { $0 * scale }
          let scaledB = b.map { $0 * scale }
          let one = try DistanceMetric.cosine.distance(scaledA, scaledB)
          let many = try DistanceMetric.cosine.distances(from: scaledA, to: scaledB + scaledB)
          let block = try DistanceMetric.cosine.distanceBlock(
            queries: scaledA, points: scaledB, dimension: dimension)
          // Subnormal inputs keep only ~3 significant digits.
          let tolerance: Float = scale == KernelReference.subnormal ? 2e-2 : 1e-5
          for got in [one, many[0], many[1], block[0]] {
            #expect(abs(got - expected) <= tolerance, "\(isa) dim \(dimension) scale \(scale)")
          }
        }
        // A zero vector is at distance 1 from everything, in every shape.
        let zero = [Float](repeating: 0, count: dimension)
        #expect(try DistanceMetric.cosine.distance(zero, b) == 1)
        #expect(try DistanceMetric.cosine.distances(from: zero, to: b) == [1])
        #expect(
          try DistanceMetric.cosine.distanceBlock(queries: a, points: zero, dimension: dimension)
            == [1])
        // NaN propagates instead of posing as a distance.
        var poisoned = a
        poisoned[dimension / 2] = .nan
        #expect(try DistanceMetric.l2.distance(poisoned, b).isNaN)
        #expect(try DistanceMetric.cosine.distance(poisoned, b).isNaN)
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func scalarQuantizedScansMatchReference(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0004)
      // 7 rows: one group of four and three single rows; 1 row: how HNSW scores one node.
      for dimension in KernelReference.dimensions {
        for count in [1, 7] {
          let qMinusOffset = random.floats(dimension)
          let scale = random.floats(dimension, in: 0.001...0.02)
          let codes = random.bytes(count * dimension + 1)
          // Unaligned codes: start one byte in.
          let shifted = Array(codes[1...])
          let l2 = try QuantizedKernels.sq8SquaredL2(
            queryMinusOffset: qMinusOffset, scale: scale, codes: shifted)
          let sums = try QuantizedKernels.sq8WeightedSum(weight: qMinusOffset, codes: shifted)
          var unalignedL2 = [Float](repeating: 0, count: count)
          codes.withUnsafeBufferPointer { bytes in
            QuantizedKernels.sq8SquaredL2(
              queryMinusOffset: qMinusOffset, scale: scale, codes: bytes.baseAddress! + 1,
              count: count, dimension: dimension, into: &unalignedL2)
          }
          for j in 0..<count {
            let row = shifted[(j * dimension)..<((j + 1) * dimension)]
            let referenceL2 = KernelReference.sq8SquaredL2(qMinusOffset, scale, row)
            #expect(KernelReference.agrees(l2[j], referenceL2), "\(isa) sq8 l2 dim \(dimension)")
            #expect(KernelReference.agrees(unalignedL2[j], referenceL2))
            #expect(
              KernelReference.agrees(sums[j], KernelReference.sq8WeightedSum(qMinusOffset, row)),
              "\(isa) sq8 sum dim \(dimension)")
          }
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func productQuantizationTablesAndScansMatchReference(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0005)
      // Lookup tables: every sub-dimension shape, both metrics.
      for subDimension in [1, 2, 3, 4, 8, 16, 17, 32] {
        let subVectorCount = 3
        let centroidCount = 256
        let query = random.floats(subVectorCount * subDimension)
        let codebooks = random.floats(subVectorCount * centroidCount * subDimension)
        for innerProduct in [false, true] {
          let lut = try QuantizedKernels.pqLookupTable(
            query: query, codebooks: codebooks, subVectorCount: subVectorCount,
            centroidCount: centroidCount, innerProduct: innerProduct)
          for m in 0..<subVectorCount {
            for c in stride(from: 0, to: centroidCount, by: 17) {
              var reference = 0.0
              for i in 0..<subDimension {
                let x = Double(query[m * subDimension + i])
                let y = Double(codebooks[(m * centroidCount + c) * subDimension + i])
                reference += innerProduct ? -x * y : (x - y) * (x - y)
              }
              #expect(
                abs(Double(lut[m * centroidCount + c]) - reference) <= 1e-5,
                "\(isa) lut dsub \(subDimension) ip \(innerProduct)")
            }
          }
        }
      }
      // Scans: row widths around the 8- and 16-code unrolling, odd counts of sub-vectors.
      for subVectorCount in [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 48, 64, 96] {
        let count = 11
        let lut8 = random.floats(subVectorCount * 256, in: 0...4)
        let lut4 = random.floats(subVectorCount * 16, in: 0...4)
        let codes8 = random.bytes(count * subVectorCount + 1)
        let rowBytes = (subVectorCount + 1) / 2
        let codes4 = random.bytes(count * rowBytes + 1)
        var got8 = [Float](repeating: 0, count: count)
        var got4 = got8
        codes8.withUnsafeBufferPointer {
          QuantizedKernels.pq8Scan(
            lut: lut8, codes: $0.baseAddress! + 1, count: count, subVectorCount: subVectorCount,
            into: &got8)
        }
        codes4.withUnsafeBufferPointer {
          QuantizedKernels.pq4Scan(
            lut: lut4, codes: $0.baseAddress! + 1, count: count, subVectorCount: subVectorCount,
            into: &got4)
        }
        #expect(
          try QuantizedKernels.pq8Scan(
            lut: lut8, codes: Array(codes8[1...]), subVectorCount: subVectorCount) == got8)
        #expect(
          try QuantizedKernels.pq4Scan(
            lut: lut4, codes: Array(codes4[1...]), subVectorCount: subVectorCount) == got4)
        for j in 0..<count {
          var reference8 = 0.0
          var reference4 = 0.0
          for m in 0..<subVectorCount {
            reference8 += Double(lut8[m * 256 + Int(codes8[1 + j * subVectorCount + m])])
            let byte = codes4[1 + j * rowBytes + m / 2]
            let code = m % 2 == 0 ? byte & 0x0F : byte >> 4
            reference4 += Double(lut4[m * 16 + Int(code)])
          }
          let tolerance = 1e-6 * Double(subVectorCount).squareRoot() * 4 * Double(subVectorCount)
          #expect(abs(Double(got8[j]) - reference8) <= tolerance, "\(isa) pq8 m \(subVectorCount)")
          #expect(abs(Double(got4[j]) - reference4) <= tolerance, "\(isa) pq4 m \(subVectorCount)")
        }
      }
    }
  }

  @Test(arguments: KernelISA.supported)
  func normalizationGivesUnitVectorsAtAnyMagnitude(isa: KernelISA) {
    withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0006)
      for dimension in KernelReference.dimensions {
        let base = random.floats(dimension)
        for scale: Float in [1, 1e20, 1e-20, KernelReference.subnormal] {
          let vector = base.map { $0 * scale }
          guard vector.contains(where: { $0 != 0 }) else { continue }
          let unit = VectorNormalization.normalized(vector)
          let norm = unit.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
          let tolerance = scale == KernelReference.subnormal ? 1e-2 : 1e-5
          #expect(
            abs(norm - 1) <= tolerance, "\(isa) dim \(dimension) scale \(scale): ‖x‖ = \(norm)")
          // Same direction: the cosine distance to the original is 0.
          let reference = base.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
          let largest = zip(unit, base).map { abs(Double($0) - Double($1) / reference) }.max()!
          #expect(
            largest <= (scale == KernelReference.subnormal ? 1e-2 : 1e-5),
            "\(isa) dim \(dimension) scale \(scale)")
        }
      }
      let zero = [Float](repeating: 0, count: 5)
      #expect(VectorNormalization.normalized(zero) == zero)
      let poisoned: [Float] = [1, .nan, 2]
      let kept = VectorNormalization.normalized(poisoned)
      #expect(kept[0] == 1 && kept[1].isNaN && kept[2] == 2)
      var rows = random.floats(3 * 10)
      rows.withUnsafeMutableBufferPointer {
        VectorNormalization.normalizeRows($0.baseAddress!, count: 3, dimension: 10)
      }
      for row in 0..<3 {
        let norm = rows[(row * 10)..<(row * 10 + 10)].reduce(0.0) { $0 + Double($1 * $1) }
        #expect(abs(norm - 1) <= 1e-5)
      }
    }
  }

  /// Checks the one-to-one, one-to-many and many-to-many kernels of every metric against the
  /// Double reference. `queries` and `points` each carry one leading float so that every vector
  /// the kernels see starts at an unaligned address.
  private func checkAllShapes(
    queries: [Float], points: [Float], queryCount: Int, pointCount: Int, dimension: Int,
    label: String
  ) {
    queries.withUnsafeBufferPointer { queryBuffer in
      points.withUnsafeBufferPointer { pointBuffer in
        let q = queryBuffer.baseAddress! + 1
        let p = pointBuffer.baseAddress! + 1
        var many = [Float](repeating: .nan, count: pointCount)
        var block = [Float](repeating: .nan, count: queryCount * pointCount)
        for metric in DistanceMetric.allCases {
          metric.distanceBlock(
            queries: q, queryCount: queryCount, points: p, pointCount: pointCount,
            dimension: dimension, into: &block)
          for a in 0..<queryCount {
            let query = q + a * dimension
            metric.distances(
              from: query, to: p, count: pointCount, dimension: dimension, into: &many)
            for b in 0..<pointCount {
              let point = p + b * dimension
              let reference = KernelReference.distance(metric, query, point, dimension)
              let one = metric.distance(query, point, dimension: dimension)
              #expect(
                KernelReference.agrees(one, reference),
                "\(label) \(metric) one-to-one: \(one) vs \(reference.value)")
              #expect(
                KernelReference.agrees(many[b], reference),
                "\(label) \(metric) one-to-many: \(many[b]) vs \(reference.value)")
              #expect(
                KernelReference.agrees(block[a * pointCount + b], reference),
                "\(label) \(metric) block: \(block[a * pointCount + b]) vs \(reference.value)")
            }
          }
        }
      }
    }
  }
}

extension KernelPathTests {
  /// Blocks over 1 MiB with dimension >= 64 take the one-point-at-a-time streaming path of the
  /// one-to-many scans (dimension 17 stays on the interleaved path: both are covered).
  @Test(arguments: KernelISA.supported)
  func streamingScansMatchReference(isa: KernelISA) throws {
    try withPath(isa) {
      var random = SeededGenerator(seed: 0x5EED_0007)
      for dimension in [17, 100] {
        let count = (1 << 20) / (dimension * 4) + 5
        let query = random.floats(dimension)
        let points = random.floats(count * dimension)
        for metric in DistanceMetric.allCases {
          let got = try metric.distances(from: query, to: points)
          try query.withUnsafeBufferPointer { q in
            try points.withUnsafeBufferPointer { p in
              for j in stride(from: 0, to: count, by: 1) {
                let reference = KernelReference.distance(
                  metric, q.baseAddress!, p.baseAddress! + j * dimension, dimension)
                try #require(
                  KernelReference.agrees(got[j], reference),
                  "\(isa) \(metric) dim \(dimension) row \(j): \(got[j]) vs \(reference.value)")
              }
            }
          }
        }
      }
    }
  }
}

extension KernelPathTests {
  @Test(arguments: KernelISA.supported)
  func halfPrecisionScansMatchReference(isa: KernelISA) throws {
    try withPath(isa) { () throws in
      var random = SeededGenerator(seed: 0x5EED_0008)
      for dimension in KernelReference.dimensions {
        let count = 5
        let query = random.floats(dimension)
        // Magnitudes up to 4 (exponent field ≤ 16), subnormal halves included; one zero row.
        var points = KernelReference.randomHalves(count * dimension + 1, using: &random)
        for i in 1...dimension { points[i] = i % 2 == 0 ? 0 : 0x8000 }  // row 0: ±0
        var got = [Float](repeating: .nan, count: count)
        for metric in DistanceMetric.allCases {
          points.withUnsafeBufferPointer { p in
            metric.distances(
              from: query, toHalfPrecision: p.baseAddress! + 1, count: count,
              dimension: dimension, into: &got)
          }
          #expect(try metric.distances(from: query, toHalfPrecision: Array(points[1...])) == got)
          for j in 0..<count {
            let row = (0..<dimension).map {
              Float(KernelReference.halfToDouble(points[1 + j * dimension + $0]))
            }
            let reference = row.withUnsafeBufferPointer {
              KernelReference.distance(metric, query, $0.baseAddress!, dimension)
            }
            #expect(
              KernelReference.agrees(got[j], reference),
              "\(isa) \(metric) f16 dim \(dimension) row \(j): \(got[j]) vs \(reference.value)")
          }
        }
      }
      // Bad shapes throw.
      #expect(throws: KernelError.self) {
        try DistanceMetric.l2.distances(from: [1, 2], toHalfPrecision: [1, 2, 3])
      }
      #expect(throws: KernelError.self) {
        try DistanceMetric.l2.distances(from: [], toHalfPrecision: [])
      }
    }
  }
}
