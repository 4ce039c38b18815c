import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// Streaming builds (issue 12): files byte-identical to the in-memory build for any budget,
/// run files removed, flat HNSW refused over budget, progress monotone, budgets parsed.
@Suite("Streaming index builds")
struct StreamingBuildTests {
  static let rowCount = 1_500
  static let vectors = Array(HNSWTestData.base.values.prefix(rowCount * 384))
  /// Rows in fragments 2 and 7, with gaps (as deletions leave them).
  static let rowIds = (0..<UInt64(rowCount)).map { ($0 < 700 ? 2 << 32 : 7 << 32) | ($0 * 3) }

  /// Every file of `folder`, by name.
  static func files(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
    }
    return result
  }

  /// Builds through the streaming factory within `budget` into a new folder and returns its
  /// files.
  static func streamed(
    _ parameters: IVFIndexParameters, graph: HNSWParameters, budget: MemoryBudget,
    progress: IndexBuildProgressHandler? = nil
  ) throws -> [String: Data] {
    let folder = try TestPaths.temporaryDirectory("streamed")
    defer { try? FileManager.default.removeItem(at: folder) }
    try vectors.withUnsafeBufferPointer { buffer in
      try VectorIndexFactory.build(
        from: InMemoryBuildInput(vectors: buffer, dimension: 384, rowIDs: rowIds),
        parameters: parameters, graph: graph, budget: budget, progress: progress,
        into: IndexFolder(local: folder))
    }
    return try files(folder)
  }

  static let cases: [(IndexType, DistanceMetric, Int)] = [
    (.ivfFlat, .cosine, 8), (.ivfPQ, .l2, 4), (.ivfPQ, .cosine, 8), (.ivfPQ, .dot, 4),
    (.ivfSQ, .cosine, 8), (.ivfHNSWSQ, .cosine, 8), (.ivfHNSWPQ, .l2, 8),
  ]

  @Test(arguments: 0..<cases.count)
  func tinyBudgetGivesTheInMemoryBuildsFiles(_ caseIndex: Int) throws {
    let (type, metric, bits) = Self.cases[caseIndex]
    let parameters = IVFIndexParameters(
      type: type, metric: metric, numPartitions: 6, numSubVectors: 48, numBits: bits,
      sampleRate: 64, maxIterations: 10, seed: 5)
    // One graph thread: a parallel graph build is not deterministic.
    let graph = HNSWParameters(m: 8, efConstruction: 32, seed: 9, threadCount: 1)
    let reference = try TestPaths.temporaryDirectory("in-memory")
    defer { try? FileManager.default.removeItem(at: reference) }
    try VectorIndexFactory.build(
      vectors: Self.vectors, rowIds: Self.rowIds, dimension: 384, parameters: parameters,
      graph: graph
    ).write(to: IndexFolder(local: reference))
    let expected = try Self.files(reference)
    // 64 KiB: 256-row batches and a run file after every batch; 1 GiB: one batch, no run.
    let tiny = try Self.streamed(parameters, graph: graph, budget: MemoryBudget(bytes: 64 << 10))
    let large = try Self.streamed(parameters, graph: graph, budget: .default)
    #expect(expected.count == 2)
    #expect(tiny == expected, "\(type) \(metric): files differ with a 64 KiB budget")
    #expect(large == expected, "\(type) \(metric): files differ with a 1 GiB budget")
  }

  @Test func spillWritesRunsAndReadsThemBackInOrder() throws {
    let folder = try TestPaths.temporaryDirectory("spill")
    defer { try? FileManager.default.removeItem(at: folder) }
    let spill = PartitionSpill(
      partitionCount: 3, recordBytes: 8, folder: IndexFolder(local: folder), limitBytes: 40)
    var expected: [[UInt64]] = [[], [], []]
    for batch in 0..<10 {
      let values = (0..<7).map { UInt64(batch * 7 + $0) }
      let partitions = values.map { Int32($0 % 3) }
      for (value, partition) in zip(values, partitions) { expected[Int(partition)].append(value) }
      values.withUnsafeBytes { spill.append(records: $0, partitions: partitions) }
      try spill.spillIfNeeded()
    }
    #expect(spill.runCount == 10)
    #expect(try Self.files(folder).count == 10)
    #expect(spill.rowCounts == expected.map(\.count))
    for partition in 0..<3 {
      let bytes = try spill.takeRecords(of: partition)
      let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
      #expect(values == expected[partition])
    }
    spill.removeRuns()
    #expect(try Self.files(folder).isEmpty)
  }

  @Test func flatHNSWOverBudgetIsATypedError() throws {
    let parameters = IVFIndexParameters(type: .hnsw, metric: .cosine)
    let graph = HNSWParameters(m: 16, efConstruction: 64)
    let estimate = graph.estimatedBuildBytes(rowCount: Self.rowCount, dimension: 384)
    #expect(estimate > Self.vectors.count * 4)
    let error = #expect(throws: IndexError.self) {
      _ = try Self.streamed(parameters, graph: graph, budget: MemoryBudget(bytes: 1 << 20))
    }
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.message.contains("IVF_HNSW_SQ") == true)
    #expect(error?.message.contains("MiB") == true)
    // Within the budget it builds.
    #expect(try Self.streamed(parameters, graph: graph, budget: .default).count == 2)
  }

  @Test(arguments: [IndexType.ivfPQ, .ivfHNSWSQ, .hnsw])
  func progressIsMonotoneAndNamesEveryPhase(_ type: IndexType) throws {
    let reports = ProgressLog()
    let parameters = IVFIndexParameters(
      type: type, metric: .l2, numPartitions: 4, sampleRate: 64, maxIterations: 5)
    _ = try Self.streamed(
      parameters, graph: HNSWParameters(m: 8, efConstruction: 32),
      // Flat HNSW holds everything, so it gets a budget it fits in.
      budget: type == .hnsw ? .default : MemoryBudget(bytes: 256 << 10),
      progress: reports.record)
    let log = reports.entries
    let fractions = log.map(\.fraction)
    #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(fractions.last == 1)
    #expect(fractions.allSatisfy { $0 >= 0 && $0 <= 1 })
    let expected: Set<IndexBuildProgress.Phase> =
      switch type {
      case .ivfPQ: [.sampling, .training, .assigning, .encoding, .writing]
      case .ivfHNSWSQ: [.sampling, .training, .assigning, .encoding, .graphBuilding, .writing]
      default: [.reading, .graphBuilding, .writing]
      }
    #expect(Set(log.map(\.phase)) == expected)
    #expect(log.allSatisfy { $0.completedUnits <= $0.totalUnits })
  }

  @Test func budgetsParseAsPeopleTypeThem() {
    #expect(MemoryBudget(parsing: "512M")?.bytes == 512 << 20)
    #expect(MemoryBudget(parsing: "2G")?.bytes == 2 << 30)
    #expect(MemoryBudget(parsing: "2gib")?.bytes == 2 << 30)
    #expect(MemoryBudget(parsing: "64KB")?.bytes == 64 << 10)
    #expect(MemoryBudget(parsing: "1.5G")?.bytes == 3 << 29)
    #expect(MemoryBudget(parsing: "4096")?.bytes == 4096)
    for bad in ["", "G", "abc", "0", "-1G", "5X", "1..5G", "99999999999T"] {
      #expect(MemoryBudget(parsing: bad) == nil, "'\(bad)' parsed")
    }
    #expect(MemoryBudget.default.description == "1 GiB")
  }

  @Test func ivfHNSWPartitionsFollowTheBudget() {
    let parameters = IVFHNSWParameters(type: .ivfHNSWSQ, hnsw: HNSWParameters(m: 20))
    let perRow = parameters.graphBuildBytesPerRow(dimension: 384)
    // The default budget keeps the 100,000-row partitions; a small one makes more.
    #expect(
      parameters.resolvedPartitionCount(rowCount: 1_000_000, dimension: 384, memoryBudget: .default)
        == 10)
    let small = MemoryBudget(bytes: 64 << 20)
    let count = parameters.resolvedPartitionCount(
      rowCount: 1_000_000, dimension: 384, memoryBudget: small)
    #expect(count > 10)
    #expect((1_000_000 + count - 1) / count * perRow <= small.bytes / 2)
  }

  @Test func openedIndexCachesFollowTheBudget() throws {
    let folder = try TestPaths.temporaryDirectory("cache-budget")
    defer { try? FileManager.default.removeItem(at: folder) }
    let parameters = IVFIndexParameters(type: .ivfHNSWSQ, metric: .l2, numPartitions: 2)
    try VectorIndexFactory.build(
      vectors: Self.vectors, rowIds: Self.rowIds, dimension: 384, parameters: parameters,
      graph: HNSWParameters(m: 8, efConstruction: 32)
    ).write(to: IndexFolder(local: folder))
    let small = try VectorIndexFactory.open(
      .ivfHNSWSQ, at: IndexFolder(local: folder), memoryBudget: MemoryBudget(bytes: 1 << 20))
    let defaulted = try VectorIndexFactory.open(.ivfHNSWSQ, at: IndexFolder(local: folder))
    #expect((small as? IVFHNSWIndex)?.cacheCapacityBytes == 1 << 20)
    #expect((defaulted as? IVFHNSWIndex)?.cacheCapacityBytes == 1 << 30)
  }
}

/// Progress reports collected from the building thread.
/// `@unchecked Sendable`: `reports` is touched only while holding `lock`.
final class ProgressLog: @unchecked Sendable {
  private let lock = NSLock()
  private var reports: [IndexBuildProgress] = []

  /// The handler that records.
  var record: IndexBuildProgressHandler {
    { [self] report in lock.withLock { reports.append(report) } }
  }

  /// What was recorded, in order.
  var entries: [IndexBuildProgress] { lock.withLock { reports } }
}
