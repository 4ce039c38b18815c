import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// Index partition files whose row ids a faulty writer set outside the table, with every
/// checksum recomputed (issue 16): the partition fails to load with an `IndexError.corruptFile`
/// naming the file and the field, for every index type, instead of returning another row.
@Suite struct IndexRowBoundsTests {
  /// Every index type, configured for 300 rows of 8 dimensions in 2 partitions.
  static let configurations: [(String, IndexConfig)] = [
    ("ivf", .ivfFlat(numPartitions: 2)),
    ("ivf", .ivfPQ(numPartitions: 2, numSubVectors: 2)),
    ("ivf", .ivfSQ(numPartitions: 2)),
    ("hnsw", .ivfHNSWSQ(numPartitions: 2, m: 8, efConstruction: 32)),
    ("hnsw", .ivfHNSWPQ(numPartitions: 2, numSubVectors: 2, m: 8, efConstruction: 32)),
    ("rq", .ivfRQ(numPartitions: 2)),
    ("hnsw", .hnsw(m: 8, efConstruction: 32)),
  ]

  /// A table of 300 rows (fragment 0) indexed with `config`, then `appended` more rows in
  /// fragment 1 that the index does not cover; the first row id of an index partition is then
  /// set to `rowID`. Returns the table reopened and a query.
  func forgedTable(
    _ db: Database, files: String, config: IndexConfig, appended: Int = 0, rowID: UInt64
  ) throws -> (Table, [Float]) {
    let table = try db.createTable("t", data: try itemsBatch(0..<300))
    try table.createIndex(on: "vector", config)
    if appended > 0 { try table.add(try itemsBatch(300..<(300 + appended), seed: 5)) }
    let uuid = try #require(table.indices.first?.uuid)
    try IndexFileForgery.rewriteRowID(
      in: db.url.appendingPathComponent("t.quiver/_indices/\(uuid)"), model: "\(files).meta",
      partitions: "\(files).partitions", position: 0, to: rowID)
    let query = try #require(
      try table.scan().limit(1).select(["vector"]).execute()["vector"]?.vector(at: 0))
    return (try db.openTable("t"), query)
  }

  /// Expects a search probing every partition to fail with a corrupt-file error whose message
  /// names `file` and contains each of `mentions`.
  func expectCorrupt(
    _ table: Table, _ query: [Float], file: String, mentions: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      _ = try table.search(query).limit(5).nprobes(2).execute()
      Issue.record("a search through the forged index succeeded", sourceLocation: sourceLocation)
    } catch let error as IndexError {
      #expect(error.code == .corruptFile, "\(error)", sourceLocation: sourceLocation)
      for text in [file] + mentions {
        #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
      }
    } catch {
      Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: configurations)
  func anOffsetPastTheFragmentsRows(files: String, config: IndexConfig) throws {
    try withDatabase { db in
      let (table, query) = try forgedTable(db, files: files, config: config, rowID: 307)
      expectCorrupt(
        table, query, file: "\(files).partitions",
        mentions: ["row ids[0] = 307", "offset 307 of fragment 0, which has 300 rows"])
      // The exact path does not read the index.
      let exact = try table.search(query).limit(5).bypassVectorIndex().execute()
      #expect(exact.rowCount == 5)
    }
  }

  @Test(arguments: configurations)
  func aRowOfAFragmentTheIndexDoesNotCover(files: String, config: IndexConfig) throws {
    try withDatabase { db in
      // Fragment 1 is appended after the build: the index must hold none of its rows.
      let (table, query) = try forgedTable(
        db, files: files, config: config, appended: 20, rowID: 1 << 32 | 4)
      expectCorrupt(
        table, query, file: "\(files).partitions",
        mentions: ["row id", "\(UInt64(1) << 32 | 4)", "of fragment 1"])
    }
  }

  @Test func anUndamagedIndexAfterAppendsAndACompactionHasNoFinding() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<300))
      try table.add(try itemsBatch(300..<320, seed: 5))
      try table.createIndex(on: "vector", .ivfFlat(numPartitions: 2))
      try table.add(try itemsBatch(320..<340, seed: 6))
      let query = try #require(
        try table.scan().limit(1).select(["vector"]).execute()["vector"]?.vector(at: 0))
      let before = try table.search(query).limit(10).nprobes(2).select(["item"]).execute()
      #expect(try table.compact() != nil)
      let reopened = try db.openTable("t")
      let after = try reopened.search(query).limit(10).nprobes(2).select(["item"]).execute()
      #expect(after["item"]!.strings == before["item"]!.strings)
    }
  }
}
