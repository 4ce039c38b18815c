import QuiverKernels
import QuiverTestSupport
import Testing

@Test func metricsAgreeWithDoubleReference() throws {
  var random = SeededGenerator(seed: 1)
  for dimension in [1, 2, 3, 7, 8, 15, 16, 17, 31, 100, 128, 384] {
    let a = random.floats(dimension)
    let b = random.floats(dimension)
    let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let l2 = zip(a, b).reduce(0.0) { $0 + pow2(Double($1.0) - Double($1.1)) }
    let na = a.reduce(0.0) { $0 + pow2(Double($1)) }.squareRoot()
    let nb = b.reduce(0.0) { $0 + pow2(Double($1)) }.squareRoot()
    #expect(abs(Double(try DistanceMetric.l2.distance(a, b)) - l2) <= 1e-4 * max(1, l2))
    #expect(
      abs(Double(try DistanceMetric.dot.distance(a, b)) - (1 - dot)) <= 1e-4 * max(1, abs(dot)))
    #expect(abs(Double(try DistanceMetric.cosine.distance(a, b)) - (1 - dot / (na * nb))) <= 1e-4)
  }
}

@Test func cosineOfZeroVectorIsOne() throws {
  #expect(try DistanceMetric.cosine.distance([0, 0, 0], [1, 2, 3]) == 1)
}

@Test func mismatchedDimensionsThrow() {
  #expect(throws: KernelError.self) { try DistanceMetric.l2.distance([1, 2], [1, 2, 3]) }
}

private func pow2(_ x: Double) -> Double { x * x }
