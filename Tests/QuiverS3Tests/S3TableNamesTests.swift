import Foundation
import Quiver
import QuiverFormat
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTestSupport
import Testing

/// `tableNames()` of a database on S3 lists the database's folders with a delimiter, not every
/// object of every table.
@Suite(.enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct S3TableNamesTests {
  @Test func theListingRequestsDoNotGrowWithTheObjectsInATable() async throws {
    let uri = TableBackend.uniqueURI("names")
    let storage = try S3Storage(url: uri, configuration: TableBackend.options().configuration())
    let db = Database(storage: storage)
    var generator = SeededGenerator(seed: 13)
    for name in ["big", "small"] {
      _ = try await db.createTable(
        name,
        data: try RecordBatch(columns: [
          "item": (0..<4).map { Int64($0) }, "vector": (0..<4).map { _ in generator.floats(4) },
        ]))
    }
    // A dropped table's leftovers (no manifest) and a folder that is no table.
    try await storage.client.put(storage.prefix + "/gone.quiver/data/leftover.qvf", [1])
    try await storage.client.put(storage.prefix + "/notes/readme.txt", [1])

    func listingRequests() async throws -> Int {
      let before = storage.client.requestsSent
      #expect(try await db.tableNames() == ["big", "small"])
      return storage.client.requestsSent - before
    }
    // One listing of the database's folders, one of `_versions/` per `.quiver` folder.
    #expect(try await listingRequests() == 1 + 3)

    // 1,500 more objects in one table (more than one page of a listing of every object).
    let folder = storage.prefix + "/big.quiver/data/"
    try await withThrowingTaskGroup(of: Void.self) { group in
      for worker in 0..<16 {
        group.addTask {
          for index in stride(from: worker, to: 1_500, by: 16) {
            try await storage.client.put(folder + "extra-\(index).qvf", [UInt8(index % 256)])
          }
        }
      }
      try await group.waitForAll()
    }
    #expect(try await storage.client.list(prefix: folder).count > 1_500)
    #expect(try await listingRequests() == 1 + 3)
  }
}
