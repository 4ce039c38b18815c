import Foundation
import Quiver
import QuiverKernels
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTable
import QuiverTestSupport
import Testing

/// The table operations that matter, on a local folder and on S3 (with and without the
/// cache): the same calls, the same answers.
@Suite(.serialized) struct TablesOnEveryBackendTests {
  /// `range` rows of 8-d vectors with an item number and a category.
  static func rows(_ range: Range<Int>, seed: UInt64) throws -> RecordBatch {
    var generator = SeededGenerator(seed: seed)
    return try RecordBatch(columns: [
      "item": range.map { Int64($0) },
      "category": range.map { ["a", "b", "c"][$0 % 3] },
      "vector": range.map { _ in generator.floats(8) },
    ])
  }

  static func items(_ table: Table, where filter: String? = nil) throws -> [Int64] {
    var scan = table.scan().select(["item"])
    if let filter { scan = scan.where(filter) }
    return try scan.execute()["item"]!.values(as: Int64.self).sorted()
  }

  @Test(arguments: TableBackend.available)
  func createAppendDeleteTimeTravelAndRestore(_ backend: TableBackend) throws {
    try backend.withDatabase { db, _ in
      let table = try db.createTable("t", data: try Self.rows(0..<50, seed: 1))
      try table.add(try Self.rows(50..<80, seed: 2))
      #expect(try db.tableNames() == ["t"])
      #expect(try table.delete(where: "item < 10") == 10)
      #expect(table.version == 3)
      #expect(try Self.items(table) == (10..<80).map(Int64.init))
      // Time travel: version 2 still has every row, version 1 the first 50.
      #expect(try Self.items(table.checkout(version: 2)) == (0..<80).map(Int64.init))
      #expect(try Self.items(table.checkout(version: 1)) == (0..<50).map(Int64.init))
      // Another handle sees the same latest version.
      #expect(try Self.items(db.openTable("t")) == (10..<80).map(Int64.init))
      try table.restore(version: 1)
      #expect(table.version == 4)
      #expect(try Self.items(db.openTable("t")) == (0..<50).map(Int64.init))
      #expect(try table.versions().map(\.operation) == [.create, .append, .delete, .restore])
      try db.dropTable("t")
      #expect(try db.tableNames() == [])
      #expect { try db.openTable("t") } throws: { ($0 as? TableError)?.code == .notFound }
    }
  }

  @Test(arguments: TableBackend.available)
  func compactionKeepsEveryLiveRow(_ backend: TableBackend) throws {
    try backend.withDatabase { db, uri in
      let table = try db.createTable("t", data: try Self.rows(0..<40, seed: 1))
      for start in stride(from: 40, to: 120, by: 20) {
        try table.add(try Self.rows(start..<(start + 20), seed: UInt64(start)))
      }
      #expect(try table.delete(where: "category = 'a'") == 40)
      var dataset = try backend.dataset(uri: uri, table: "t")
      #expect(dataset.fragments.count == 5)
      let result = try #require(
        try dataset.compact(CompactionOptions(targetRowsPerFragment: 1_000)))
      #expect(dataset.fragments.count == 1)
      #expect(result.removedFragmentIDs.count == 5)
      try table.checkoutLatest()
      #expect(try Self.items(table) == (0..<120).filter { $0 % 3 != 0 }.map(Int64.init))
      // Old row ids map onto the new ones.
      let map = try dataset.rowIDMap(compactionVersion: result.version)
      #expect(map.oldRowIDs.count == 80 && map.newRowIDs.count == 80)
    }
  }

  @Test(arguments: TableBackend.available, [
    IndexConfig.ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 4),
    IndexConfig.hnsw(metric: .l2, m: 8, efConstruction: 64),
  ])
  func indexedAndFilteredSearchFindTheExactNeighbours(
    _ backend: TableBackend, _ config: IndexConfig
  ) throws {
    try backend.withDatabase { db, _ in
      let table = try db.createTable("t", data: try Self.rows(0..<400, seed: 7))
      try table.createIndex(on: "vector", config)
      let reopened = try db.openTable("t")
      #expect(try reopened.search([Float](repeating: 0.5, count: 8)).explain().contains("ANN"))
      var generator = SeededGenerator(seed: 99)
      for _ in 0..<5 {
        let query = generator.floats(8)
        for filter in [nil, "category = 'b'"] {
          var indexed = reopened.search(query).limit(5).nprobes(4).ef(200).refineFactor(20)
            .select(["item"])
          var exact = reopened.search(query).limit(5).bypassVectorIndex().select(["item"])
          if let filter {
            indexed = indexed.where(filter)
            exact = exact.where(filter)
          }
          let found = try indexed.execute()["item"]!.values(as: Int64.self)
          let expected = try exact.execute()["item"]!.values(as: Int64.self)
          #expect(expected.count == 5)
          #expect(found == expected, "filter \(filter ?? "none")")
          if filter != nil { #expect(found.allSatisfy { $0 % 3 == 1 }) }
        }
      }
    }
  }
}

extension TableBackend {
  /// The dataset of the table `table` of the database at `uri` (for what `Table` does not
  /// offer, such as compaction).
  func dataset(uri: String, table: String) throws -> Dataset {
    switch self {
    case .local:
      return try Dataset.open(at: URL(fileURLWithPath: uri).appendingPathComponent("\(table).quiver"))
    case .s3, .s3Cached:
      let options = Self.options()
      return try Dataset.open(
        in: S3Storage(url: "\(uri)/\(table).quiver", configuration: options.configuration()))
    }
  }
}
