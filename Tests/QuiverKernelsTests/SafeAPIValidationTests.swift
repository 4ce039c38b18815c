import QuiverKernels
import Testing

/// Every throwing entry point rejects inputs that do not fit together with a typed error.
@Test func distanceAPIsRejectBadShapes() {
  func code(_ body: () throws -> Void) -> KernelError.Code? {
    do {
      try body()
      return nil
    } catch { return (error as? KernelError)?.code }
  }
  #expect(code { _ = try DistanceMetric.l2.distance([1, 2], [1, 2, 3]) } == .dimensionMismatch)
  #expect(code { _ = try DistanceMetric.cosine.distance([], []) } == .zeroDimension)
  #expect(code { _ = try DistanceMetric.dot.distances(from: [], to: [1]) } == .zeroDimension)
  #expect(
    code { _ = try DistanceMetric.l2.distances(from: [1, 2], to: [1, 2, 3]) } == .invalidLength)
  #expect(
    code {
      _ = try DistanceMetric.l2.distanceBlock(queries: [1, 2], points: [1, 2], dimension: 0)
    } == .zeroDimension)
  #expect(
    code {
      _ = try DistanceMetric.l2.distanceBlock(queries: [1, 2, 3], points: [1, 2], dimension: 2)
    } == .invalidLength)
  #expect(
    code {
      _ = try DistanceMetric.l2.distanceBlock(queries: [1, 2], points: [1, 2, 3], dimension: 2)
    } == .invalidLength)
  #expect(
    code {
      _ = try QuantizedKernels.sq8SquaredL2(queryMinusOffset: [1, 2], scale: [1], codes: [1, 2])
    } == .dimensionMismatch)
  #expect(
    code { _ = try QuantizedKernels.sq8SquaredL2(queryMinusOffset: [], scale: [], codes: []) }
      == .zeroDimension)
  #expect(
    code { _ = try QuantizedKernels.sq8WeightedSum(weight: [1, 2], codes: [1, 2, 3]) }
      == .invalidLength)
  #expect(
    code {
      _ = try QuantizedKernels.pq8Scan(
        lut: [Float](repeating: 0, count: 255), codes: [1], subVectorCount: 1)
    } == .invalidLength)
  #expect(
    code {
      _ = try QuantizedKernels.pq8Scan(
        lut: [Float](repeating: 0, count: 512), codes: [1, 2, 3], subVectorCount: 2)
    } == .invalidLength)
  #expect(
    code {
      _ = try QuantizedKernels.pq4Scan(
        lut: [Float](repeating: 0, count: 48), codes: [1, 2, 3], subVectorCount: 3)
    } == .invalidLength)
  #expect(
    code { _ = try QuantizedKernels.pq4Scan(lut: [], codes: [], subVectorCount: 0) }
      == .zeroDimension)
  #expect(
    code {
      _ = try QuantizedKernels.pqLookupTable(
        query: [1, 2, 3], codebooks: [], subVectorCount: 2, centroidCount: 4, innerProduct: false)
    } == .dimensionMismatch)
  #expect(
    code {
      _ = try QuantizedKernels.pqLookupTable(
        query: [1, 2], codebooks: [1], subVectorCount: 2, centroidCount: 4, innerProduct: false)
    } == .invalidLength)
}

@Test func emptyBlocksGiveEmptyResults() throws {
  #expect(try DistanceMetric.l2.distances(from: [1, 2], to: []) == [])
  #expect(try DistanceMetric.dot.distanceBlock(queries: [], points: [1, 2], dimension: 2) == [])
  #expect(
    try QuantizedKernels.pq8Scan(
      lut: [Float](repeating: 1, count: 256), codes: [], subVectorCount: 1) == [])
}

@Test func metricConventions() throws {
  // dot is 1 − a·b; cosine of opposite vectors is 2, of equal vectors 0.
  #expect(try DistanceMetric.dot.distance([1, 2], [3, 4]) == 1 - 11)
  #expect(try DistanceMetric.cosine.distance([1, 2], [-2, -4]) == 2)
  #expect(try DistanceMetric.cosine.distance([3, 4], [3, 4]) == 0)
  #expect(try DistanceMetric.l2.distance([1, 2], [4, 6]) == 25)
  #expect(
    try DistanceMetric.l2.distanceBlock(
      queries: [0, 0, 1, 1], points: [1, 0, 3, 3, 0, 1], dimension: 2)
      == [1, 18, 1, 1, 8, 1])
}
