import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

/// Shared fixture data, read once.
enum Fixture {
  static let base = try! MiniLMFixture.base()
  static let queries = try! MiniLMFixture.queries()
  static let rowIds: [UInt64] = (0..<UInt64(base.count)).map { $0 }
  static func truth(_ metric: DistanceMetric) -> VectorMatrix<Int32> {
    try! MiniLMFixture.groundTruth(metric.rawValue)
  }

  /// Builds an index on the fixture with the small test parameters.
  static func build(
    _ type: IndexType, _ metric: DistanceMetric, numBits: Int = 8, seed: UInt64 = 42,
    threads: Int? = nil, maxIterations: Int = 6
  ) throws -> IVFIndex {
    // Small enough for a debug build: 16 partitions, 16 sub-vectors of 24 dimensions.
    let parameters = IVFIndexParameters(
      type: type, metric: metric, numPartitions: 16, numSubVectors: 16, numBits: numBits,
      sampleRate: 64, maxIterations: maxIterations, seed: seed)
    return try IVFIndexBuilder(parameters: parameters, threads: threads).build(
      vectors: base.values, rowIds: rowIds, dimension: base.dimension)
  }

  /// Recall@10 of `index` over the 100 queries.
  static func recallAt10(_ index: IVFIndex, nprobes: Int, metric: DistanceMetric) throws -> Double {
    let found = try (0..<queries.count).map { q in
      try index.search(queries.row(q), k: 10, nprobes: nprobes).map(\.id)
    }
    return recall(at: 10, found: found, truth: truth(metric))
  }
}

struct RecallCase: Sendable, CustomStringConvertible {
  var type: IndexType
  var metric: DistanceMetric
  var numBits: Int
  /// Recall@10 at nprobes 4 of 16 must reach this (measured value minus a margin).
  var minimum: Double
  var description: String { "\(type.rawValue) \(metric.rawValue) \(numBits)-bit" }
}

@Suite struct IVFRecallTests {
  static let cases: [RecallCase] = [
    RecallCase(type: .ivfFlat, metric: .l2, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfFlat, metric: .cosine, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfFlat, metric: .dot, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfPQ, metric: .l2, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfPQ, metric: .cosine, numBits: 4, minimum: 0.0),
    RecallCase(type: .ivfPQ, metric: .dot, numBits: 4, minimum: 0.0),
    RecallCase(type: .ivfSQ, metric: .l2, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfSQ, metric: .cosine, numBits: 8, minimum: 0.0),
    RecallCase(type: .ivfSQ, metric: .dot, numBits: 8, minimum: 0.0),
  ]

  @Test(arguments: cases)
  func recallAtTenReachesThreshold(_ testCase: RecallCase) throws {
    let start = Date()
    let index = try Fixture.build(testCase.type, testCase.metric, numBits: testCase.numBits)
    print("BUILD \(testCase) \(Date().timeIntervalSince(start))")
    let r4 = try Fixture.recallAt10(index, nprobes: 4, metric: testCase.metric)
    let r16 = try Fixture.recallAt10(index, nprobes: 16, metric: testCase.metric)
    print("RECALL \(testCase) nprobes4=\(r4) nprobes16=\(r16)")
    #expect(r4 >= testCase.minimum)
  }
}
