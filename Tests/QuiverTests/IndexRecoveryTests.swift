import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// Recovery from a damaged or failed index: a damaged index fails only the searches that would
/// use it (unless they allow the exact-scan fallback), can be dropped, and a failed build leaves
/// no files (issue 16).
@Suite struct IndexRecoveryTests {
  func indexFolders(_ db: Database, _ table: String) throws -> [String] {
    let folder = db.url.appendingPathComponent("\(table).quiver/_indices")
    return (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  }

  /// A table of 300 rows with an IVF_FLAT index whose file `name` is then damaged.
  func damagedTable(_ db: Database, file name: String) throws -> (Table, [Float]) {
    let table = try db.createTable("t", data: try itemsBatch(0..<300))
    try table.createIndex(on: "vector", .ivfFlat(metric: .l2, numPartitions: 4))
    let uuid = try #require(table.indices.first?.uuid)
    let url = db.url.appendingPathComponent("t.quiver/_indices/\(uuid)/\(name)")
    var bytes = try Data(contentsOf: url)
    bytes[bytes.count / 2] ^= 0x55
    try FileManager.default.removeItem(at: url)
    try bytes.write(to: url)
    let query = try #require(try table.scan().limit(1).select(["vector"]).execute()["vector"]?.vector(at: 0))
    return (try db.openTable("t"), query)
  }

  @Test(arguments: ["ivf.meta", "ivf.partitions"])
  func aDamagedIndexFailsOnlySearchesThatUseIt(file: String) throws {
    try withDatabase { db in
      let (table, query) = try damagedTable(db, file: file)
      #expect(throws: IndexError.self) { _ = try table.search(query).limit(5).execute() }
      let exact = try table.search(query).limit(5).bypassVectorIndex().select(["item"]).execute()
      #expect(exact["item"]!.strings.first == "item0")
      let fallback = try table.search(query).limit(5).fallbackOnDamagedIndex().select(["item"])
      #expect(try fallback.execute()["item"]!.strings == exact["item"]!.strings)
      if file == "ivf.meta" {
        let plan = try fallback.explain()
        #expect(plan.contains("Warning: index 'vector_idx' on 'vector' is damaged"), "\(plan)")
      }
    }
  }

  @Test func aDamagedIndexCanBeDropped() throws {
    try withDatabase { db in
      let (table, query) = try damagedTable(db, file: "ivf.meta")
      try table.dropIndex(named: "vector_idx")
      #expect(table.indices.isEmpty)
      #expect(try table.search(query).limit(3).execute().rowCount == 3)
      #expect(throws: TableError.self) { try table.dropIndex(named: "vector_idx") }
    }
  }

  @Test func aFailedBuildLeavesNoFiles() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<50))
      // 3 sub-vectors do not divide the dimension 8: the build fails after making its folder.
      #expect(throws: (any Error).self) {
        try table.createIndex(on: "vector", .ivfPQ(numPartitions: 2, numSubVectors: 3))
      }
      #expect(try indexFolders(db, "t") == [])
      #expect(table.indices.isEmpty)
    }
  }
}
