import Foundation
import Quiver
import QuiverKernels
import QuiverTestSupport
import Testing

/// `Table.optimize()` (issue 12): indexes brought up to date without retraining after appends,
/// deletes and compactions, on the checked-in minilm-2k embeddings.
@Suite struct OptimizeTests {
  static let base = try! MiniLMFixture.base()
  static let queries = try! MiniLMFixture.queries()

  /// Fixture rows `rows` with their position as `id`, the vector as `vector` (and, with
  /// `second`, the vector of the mirrored position as `other`).
  static func batch(_ rows: Range<Int>, second: Bool = false) throws -> RecordBatch {
    var columns: [(name: String, column: any ColumnConvertible)] = [
      ("id", Column(rows.map { Int64($0) })),
      ("vector", try Column(vectors: rows.map { base.row($0) })),
    ]
    if second {
      columns.append(("other", try Column(vectors: rows.map { base.row(base.count - 1 - $0) })))
    }
    return try RecordBatch(columns)
  }

  /// The table "t" of the first `rows` fixture rows, one fragment per `fragmentRows`.
  static func table(in db: Database, rows: Int, fragmentRows: Int) throws -> Table {
    let table = try db.createTable("t", data: try batch(0..<fragmentRows))
    for start in stride(from: fragmentRows, to: rows, by: fragmentRows) {
      try table.add(try batch(start..<min(start + fragmentRows, rows)))
    }
    return table
  }

  /// Recall@10 of searches with refine, against the fixture's exact ground truth.
  static func searchRecall(_ table: Table, metric: DistanceMetric) throws -> Double {
    let truth = try MiniLMFixture.groundTruth(metric.rawValue)
    var found: [[UInt64]] = []
    for query in 0..<queries.count {
      let hits = try table.search(queries.row(query)).metric(metric).limit(10).nprobes(4).ef(64)
        .refineFactor(10).select(["id"]).execute()
      found.append(hits["id"]!.values(as: Int64.self).map { UInt64($0) })
    }
    return recall(at: 10, found: found, truth: truth)
  }

  static func plan(_ table: Table, column: String = "vector", metric: DistanceMetric) throws
    -> String
  {
    try table.search(queries.row(0)).column(column).metric(metric).limit(10).explain()
  }

  /// Whether every row of `positions` is among the 3 nearest of a search for its own vector that
  /// skips unindexed fragments (`fastSearch`), so through the index only.
  static func foundThroughIndex(
    _ table: Table, positions: some Sequence<Int>, metric: DistanceMetric
  ) throws -> Bool {
    for position in positions {
      let hits = try table.search(base.row(position)).metric(metric).fastSearch().limit(3)
        .nprobes(4).ef(64).refineFactor(10).select(["id"]).execute()
      guard hits["id"]!.values(as: Int64.self).contains(Int64(position)) else { return false }
    }
    return true
  }

  static let configurations: [IndexConfig] = [
    .ivfFlat(metric: .l2, numPartitions: 4),
    .ivfPQ(metric: .cosine, numPartitions: 4, numSubVectors: 48, numBits: 8),
    .ivfSQ(metric: .dot, numPartitions: 4),
    .hnsw(metric: .cosine, m: 12, efConstruction: 64),
    .ivfHNSWSQ(metric: .l2, numPartitions: 4, m: 12, efConstruction: 64),
    .ivfHNSWPQ(metric: .cosine, numPartitions: 4, numSubVectors: 48, m: 12, efConstruction: 64),
    .ivfRQ(metric: .l2, numPartitions: 4, numBits: 4),
  ]

  @Test(arguments: configurations)
  func afterAppendsTheIndexCoversEveryRowWithTheRecallOfARebuild(_ config: IndexConfig) throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try Self.batch(0..<1_800))
      try table.createIndex(on: "vector", config)
      let before = try #require(table.indices.first)
      try table.add(try Self.batch(1_800..<2_000))
      #expect(try Self.plan(table, metric: config.metric).contains("ExactScan"))
      #expect(try table.indexStatistics().first?.unindexedRowCount == 200)

      let report = try table.optimize(OptimizeOptions(compaction: nil))
      let update = try #require(report.indexes.first)
      #expect(report.indexes.count == 1 && report.compaction == nil)
      #expect(update.addedRows == 200 && update.remappedRows == 0 && update.removedRows == 0)
      #expect(update.previousUUID == before.uuid && update.uuid != before.uuid)
      #expect(!(try Self.plan(table, metric: config.metric).contains("ExactScan")))
      let statistics = try #require(try table.indexStatistics().first)
      #expect(statistics.indexedRowCount == 2_000 && statistics.unindexedRowCount == 0)
      #expect(try Self.foundThroughIndex(
        table, positions: stride(from: 1_800, to: 2_000, by: 7), metric: config.metric))
      // The old version still opens its own files.
      #expect(try table.checkout(version: update.version - 1).search(Self.queries.row(0))
        .metric(config.metric).limit(10).execute().rowCount == 10)

      let optimized = try Self.searchRecall(table, metric: config.metric)
      try table.createIndex(on: "vector", config)
      let rebuilt = try Self.searchRecall(table, metric: config.metric)
      #expect(optimized >= rebuilt - 0.01, "optimized \(optimized), rebuilt \(rebuilt)")
      // Nothing left to do: a second optimize commits nothing.
      let version = table.version
      #expect(try table.optimize(OptimizeOptions(compaction: nil)).indexes.isEmpty)
      #expect(table.version == version)
    }
  }

  @Test(arguments: [configurations[1], configurations[4]])
  func afterDeletesCompactionDropsTheDeletedRowsAndRemapsTheOthers(_ config: IndexConfig)
    throws
  {
    try withDatabase { db in
      let table = try Self.table(in: db, rows: 2_000, fragmentRows: 200)
      try table.createIndex(on: "vector", config)
      // Half the rows of the first two fragments go: they are rewritten without them.
      let even = stride(from: 0, to: 400, by: 2).map(String.init).joined(separator: ", ")
      #expect(try table.delete(where: "id IN (\(even))") == 200)
      let report = try table.optimize(
        OptimizeOptions(compaction: CompactionOptions(targetRowsPerFragment: 200)))
      let compaction = try #require(report.compaction)
      #expect(compaction.removedFragmentIDs == [0, 1])
      let update = try #require(report.indexes.first)
      #expect(update.remappedRows == 200 && update.removedRows == 200 && update.addedRows == 0)
      #expect(!(try Self.plan(table, metric: config.metric).contains("ExactScan")))
      #expect(try Self.foundThroughIndex(
        table, positions: stride(from: 1, to: 400, by: 6), metric: config.metric))
      let statistics = try #require(try table.indexStatistics().first)
      #expect(statistics.indexedRowCount == 1_800 && statistics.unindexedRowCount == 0)
      // Deleted rows never come back.
      let deleted = try table.search(Self.base.row(10)).metric(config.metric).limit(5)
        .select(["id"]).execute()["id"]!.values(as: Int64.self)
      #expect(!deleted.contains(10))
    }
  }

  /// One type of each implementation (IVF, one graph, graphs per partition); every type is
  /// remapped by the same code of its family.
  @Test(arguments: [configurations[0], configurations[3], configurations[5], configurations[6]])
  func afterCompactionRowsAreRemappedAndRowsOfUnindexedFragmentsAdded(_ config: IndexConfig)
    throws
  {
    try withDatabase { db in
      let table = try Self.table(in: db, rows: 1_800, fragmentRows: 100)
      try table.createIndex(on: "vector", config)
      try table.add(try Self.batch(1_800..<1_900))
      try table.add(try Self.batch(1_900..<2_000))
      // Every fragment is small: all 20 become one, indexed and unindexed rows mixed.
      let report = try table.optimize()
      #expect(try #require(report.compaction).addedFragmentIDs.count == 1)
      let update = try #require(report.indexes.first)
      #expect(update.remappedRows == 1_800 && update.addedRows == 200 && update.removedRows == 0)
      #expect(!(try Self.plan(table, metric: config.metric).contains("ExactScan")))
      #expect(try Self.foundThroughIndex(
        table, positions: stride(from: 0, to: 2_000, by: 23), metric: config.metric))
      #expect(try table.indexStatistics().first?.indexedRowCount == 2_000)
      #expect(try Self.searchRecall(table, metric: config.metric) >= 0.9)
    }
  }

  @Test func optimizeReportsEachPhaseWithAFractionThatEndsAtOne() throws {
    try withDatabase { db in
      let table = try Self.table(in: db, rows: 1_800, fragmentRows: 300)
      try table.createIndex(
        on: "vector", .ivfHNSWSQ(metric: .l2, numPartitions: 4, m: 12, efConstruction: 64))
      try table.add(try Self.batch(1_800..<1_900))
      try table.add(try Self.batch(1_900..<2_000))
      let log = ProgressRecorder()
      let report = try table.optimize(progress: log.handler)
      #expect(report.compaction != nil && report.indexes.first?.addedRows == 200)
      let reports = log.reports
      let fractions = reports.map(\.fraction)
      #expect(fractions.last == 1)
      #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
      // Compaction first, then the index's parts in order, then the cleanup.
      var order: [IndexBuildProgress.Phase] = []
      for report in reports where order.last != report.phase { order.append(report.phase) }
      #expect(
        order == [
          .compacting, .remapping, .reading, .assigning, .encoding, .graphBuilding, .writing,
          .cleaningUp,
        ], "\(order)")
      let graph = try #require(reports.last { $0.phase == .graphBuilding })
      #expect(graph.completedUnits == 200 && graph.totalUnits == 200)
      let read = try #require(reports.last { $0.phase == .reading })
      #expect(read.completedUnits == read.totalUnits && read.totalUnits >= 200)
      // Each part moves the fraction on: reading ends past the end of the remapping.
      let remapped = try #require(reports.last { $0.phase == .remapping })
      #expect(read.fraction > remapped.fraction)

      // An index update alone reports on its own scale, also ending at 1.
      try table.add(try Self.batch(0..<50))
      let alone = ProgressRecorder()
      #expect(try table.updateIndex(named: "vector_idx", progress: alone.handler) != nil)
      #expect(alone.reports.first?.phase == .remapping && alone.reports.last?.fraction == 1)
    }
  }

  @Test func twoIndexesOnTwoColumnsAreBothUpdated() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try Self.batch(0..<1_800, second: true))
      try table.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 48))
      try table.createIndex(
        on: "other", .ivfHNSWSQ(metric: .cosine, numPartitions: 4, m: 12, efConstruction: 64))
      try table.add(try Self.batch(1_800..<2_000, second: true))
      let report = try table.optimize(OptimizeOptions(compaction: nil))
      #expect(Set(report.indexes.map(\.name)) == ["vector_idx", "other_idx"])
      #expect(report.indexes.allSatisfy { $0.addedRows == 200 })
      #expect(!(try Self.plan(table, column: "vector", metric: .l2).contains("ExactScan")))
      #expect(!(try Self.plan(table, column: "other", metric: .cosine).contains("ExactScan")))
      let statistics = try table.indexStatistics()
      #expect(statistics.count == 2 && statistics.allSatisfy { $0.unindexedRowCount == 0 })
      #expect(statistics.first { $0.name == "other_idx" }?.parameters["m"] == "12")
      #expect(statistics.first { $0.name == "vector_idx" }?.parameters["num_sub_vectors"] == "48")
    }
  }

  @Test func concurrentAddsDuringOptimizeAreKept() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try Self.batch(0..<1_600))
      try table.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 48))
      try table.add(try Self.batch(1_600..<1_800))
      // Another writer of the same table, with its own view of the versions.
      let writer = try db.openTable("t")
      let group = DispatchGroup()
      let failure = ErrorBox()
      DispatchQueue.global().async(group: group) {
        do {
          for start in stride(from: 1_800, to: 2_000, by: 50) {
            try writer.add(try Self.batch(start..<(start + 50)))
          }
        } catch { failure.set(error) }
      }
      let report = try table.optimize(OptimizeOptions(compaction: nil))
      group.wait()
      #expect(failure.error == nil)
      #expect(report.indexes.first.map { $0.addedRows >= 200 } == true)
      try table.checkoutLatest()
      #expect(try table.countRows() == 2_000)
      #expect(Set(try table.scan().select(["id"]).execute()["id"]!.values(as: Int64.self)).count
        == 2_000)
      // Every row is found, through the index or the exact scan of what it does not cover yet.
      for position in stride(from: 1_600, to: 2_000, by: 11) {
        let hits = try table.search(Self.base.row(position)).limit(1).nprobes(4).refineFactor(10)
          .select(["id"]).execute()
        #expect(hits["id"]!.values(as: Int64.self) == [Int64(position)])
      }
      try table.optimize(OptimizeOptions(compaction: nil))
      #expect(try table.indexStatistics().first?.unindexedRowCount == 0)
    }
  }

  @Test func aFailedUpdateLeavesThePreviousVersionUsableAndNoFilesBehind() throws {
    try withDatabase { db in
      let stale = try db.createTable("t", data: try Self.batch(0..<1_000))
      try stale.add(try Self.batch(1_000..<1_200))
      try stale.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 48))
      try stale.add(try Self.batch(1_200..<1_400))
      // Another writer compacts the fragments the index covers before the update commits.
      let other = try db.openTable("t")
      #expect(try other.compact() != nil)
      #expect { try stale.updateIndex(named: "vector_idx") } throws: {
        ($0 as? TableError)?.code == .commitConflict
      }
      try stale.checkoutLatest()
      let indexes = db.url.appendingPathComponent("t.quiver/_indices")
      let folders = try FileManager.default.contentsOfDirectory(atPath: indexes.path)
      #expect(folders == stale.indices.map(\.uuid))
      #expect(try stale.search(Self.queries.row(0)).limit(10).execute().rowCount == 10)
      // The next optimize remaps through the other writer's compaction.
      let update = try #require(try stale.updateIndex(named: "vector_idx"))
      #expect(update.remappedRows == 1_200 && update.addedRows == 200)
      #expect(!(try Self.plan(stale, metric: .l2).contains("ExactScan")))
    }
  }

  @Test func tableExposesCompactCleanupTagsAndAddColumn() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try Self.batch(0..<100))
      try table.add(try Self.batch(100..<200))
      try table.tag("two-fragments")
      #expect(table.tags == ["two-fragments": 2])
      let compaction = try #require(try table.compact())
      #expect(compaction.removedFragmentIDs == [0, 1])
      #expect(try table.checkout(tag: "two-fragments").countRows() == 200)
      try table.addColumn(Field("note", .utf8))
      #expect(try table.schema().field(named: "note") != nil)
      let report = try table.cleanup(olderThan: Date().addingTimeInterval(60))
      #expect(report.removedVersions == [1, 3, 4])
      try table.deleteTag("two-fragments")
      #expect(table.tags.isEmpty)
    }
  }
}

/// The first error of a background task.
private final class ErrorBox: @unchecked Sendable {
  // @unchecked: `stored` is only touched while holding `lock`.
  private let lock = NSLock()
  private var stored: (any Error)?
  func set(_ error: any Error) { lock.withLock { stored = stored ?? error } }
  var error: (any Error)? { lock.withLock { stored } }
}
