import Foundation
import Quiver
import QuiverIndex
import QuiverTestSupport
import Testing

/// `createIndex` streams the column within the database's memory budget (issue 12).
@Suite("Streaming createIndex")
struct StreamingIndexBuildTests {
  /// A table of the first `rows` fixture vectors in several fragments, every seventh row
  /// deleted, in a database with `budget`; `lastVector` replaces the last row's vector.
  static func table(
    in folder: URL, budget: MemoryBudget, rows: Int = 2_000, lastVector: [Float]? = nil
  ) throws -> Table {
    let fixture = try #require(MatrixFixture.shared, "Fixtures/minilm-2k is missing")
    var vectors = Array(fixture.vectors.values.prefix(rows * 384))
    if let lastVector {
      vectors.replaceSubrange(((rows - 1) * 384)..<(rows * 384), with: lastVector)
    }
    let database = try Database(path: folder.path, memoryBudget: budget)
    var batches: [RecordBatch] = []
    for start in stride(from: 0, to: rows, by: 500) {
      batches.append(
        try RecordBatch([
          ("id", Column((start..<(start + 500)).map { Int64($0) })),
          (
            "vector",
            try Column(
              vectors: Array(vectors[(start * 384)..<((start + 500) * 384)]), dimension: 384)
          ),
        ]))
    }
    let table = try database.createTable("items", data: [batches[0]])
    for batch in batches.dropFirst() { try table.add(batch) }
    let deleted = stride(from: 3, to: rows, by: 7).map(String.init).joined(separator: ", ")
    _ = try table.delete(where: "id IN (\(deleted))")
    return table
  }

  /// The files of the index named `vector_idx`, by name.
  static func indexFiles(_ table: Table, in folder: URL) throws -> [String: Data] {
    let entry = try #require(table.indices.first { $0.name == "vector_idx" })
    let indexFolder = folder.appendingPathComponent("items.quiver/_indices/\(entry.uuid)")
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: indexFolder.path) {
      result[name] = try Data(contentsOf: indexFolder.appendingPathComponent(name))
    }
    return result
  }

  // IVF_PQ with 64 sample rows a partition: a tiny budget cuts a larger k-means sample to 64
  // rows a partition (`MemoryBudget`), which would change the centroids.
  @Test(arguments: [
    IndexConfig(type: .ivfPQ, metric: .cosine, numPartitions: 8, numBits: 4, sampleRate: 64),
    .ivfSQ(metric: .l2),
  ])
  func tinyBudgetWritesTheSameFilesAsALargeOne(_ config: IndexConfig) throws {
    var files: [[String: Data]] = []
    for budget in [MemoryBudget(bytes: 64 << 10), .default] {
      let folder = try TestPaths.temporaryDirectory("stream-budget")
      defer { try? FileManager.default.removeItem(at: folder) }
      let table = try Self.table(in: folder, budget: budget)
      try table.createIndex(on: "vector", config)
      files.append(try Self.indexFiles(table, in: folder))
    }
    // Only the two index files: the run files of the tiny budget are gone.
    #expect(files[0].keys.sorted() == ["ivf.meta", "ivf.partitions"])
    #expect(files[0] == files[1])
  }

  @Test func failedBuildLeavesNoFiles() throws {
    let folder = try TestPaths.temporaryDirectory("stream-failure")
    defer { try? FileManager.default.removeItem(at: folder) }
    // A NaN in the last row fails the streaming pass after runs were spilled.
    var poisoned = [Float](repeating: 0.1, count: 384)
    poisoned[17] = .nan
    let table = try Self.table(
      in: folder, budget: MemoryBudget(bytes: 64 << 10), lastVector: poisoned)
    let error = #expect(throws: IndexError.self) {
      try table.createIndex(
        on: "vector",
        IndexConfig(type: .ivfFlat, metric: .l2, numPartitions: 2, sampleRate: 1))
    }
    #expect(error?.code == .nonFiniteValue)
    #expect(table.indices.isEmpty)
    let indices = folder.appendingPathComponent("items.quiver/_indices")
    let left = (try? FileManager.default.subpathsOfDirectory(atPath: indices.path)) ?? []
    #expect(left.isEmpty, "left behind: \(left)")
  }

  @Test func flatHNSWOverTheBudgetIsRefused() throws {
    let folder = try TestPaths.temporaryDirectory("stream-hnsw")
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = try Self.table(in: folder, budget: MemoryBudget(bytes: 1 << 20))
    let error = #expect(throws: IndexError.self) {
      try table.createIndex(on: "vector", .hnsw(metric: .cosine))
    }
    #expect(error?.code == .memoryBudgetExceeded)
    #expect(error?.message.contains("IVF_HNSW_SQ") == true)
    #expect(table.indices.isEmpty)
    // IVF_HNSW_SQ builds within the same budget and answers searches.
    try table.createIndex(on: "vector", .ivfHNSWSQ(metric: .cosine, numPartitions: 2))
    let query = Array(try #require(MatrixFixture.shared).queries.row(0))
    let found = try table.search(query).metric(.cosine).limit(10).execute()
    #expect(found.rowCount == 10)
  }

  @Test func createIndexReportsProgress() throws {
    let folder = try TestPaths.temporaryDirectory("stream-progress")
    defer { try? FileManager.default.removeItem(at: folder) }
    let table = try Self.table(in: folder, budget: .default, rows: 1_000)
    let log = ProgressRecorder()
    try table.createIndex(
      on: "vector", .ivfPQ(metric: .l2, numPartitions: 4), progress: log.handler)
    let fractions = log.reports.map(\.fraction)
    #expect(!fractions.isEmpty && fractions.last == 1)
    #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(
      Set(log.reports.map(\.phase)).isSuperset(of: [
        .sampling, .training, .assigning, .encoding, .writing,
      ]))
  }
}

/// Collects progress reports. `@unchecked Sendable`: `stored` is touched only under `lock`.
final class ProgressRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [IndexBuildProgress] = []

  var handler: IndexBuildProgressHandler {
    { [self] report in lock.withLock { stored.append(report) } }
  }

  var reports: [IndexBuildProgress] { lock.withLock { stored } }
}
