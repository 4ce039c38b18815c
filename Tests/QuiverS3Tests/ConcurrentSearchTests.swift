import Foundation
import Quiver
import QuiverS3
import QuiverTestSupport
import Testing

/// The `async` variants from many tasks at once against S3: searches that wait on the network
/// must not hold the cooperative threads (two on this machine) they were started from.
@Suite(.enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct ConcurrentSearchTests {
  @Test(.timeLimit(.minutes(2)))
  func sixtyFourConcurrentSearchesFromTasksAllFinish() async throws {
    let db = try Database(uri: TableBackend.uniqueURI("tasks"), options: TableBackend.options())
    let table = try await db.createTable(
      "t", data: try TablesOnEveryBackendTests.rows(0..<300, seed: 5))
    try await table.createIndex(on: "vector", .ivfFlat(metric: .l2, numPartitions: 4))
    var generator = SeededGenerator(seed: 64)
    let queries = (0..<64).map { _ in generator.floats(8) }
    // Each task opens its own handle, so every search reads its index and data over the network.
    let found = try await withThrowingTaskGroup(of: (Int, [Int64]).self) { group in
      for (position, query) in queries.enumerated() {
        group.addTask {
          let own = try await db.openTable("t")
          let hits = try await own.search(query).limit(3).nprobes(4).select(["item"]).execute()
          return (position, hits["item"]!.values(as: Int64.self))
        }
      }
      var found: [Int: [Int64]] = [:]
      for try await (position, items) in group { found[position] = items }
      return found
    }
    #expect(found.count == 64)
    // The same searches, one by one, agree.
    for position in [0, 31, 63] {
      let expected = try await table.search(queries[position]).limit(3).nprobes(4)
        .select(["item"]).execute()["item"]!.values(as: Int64.self)
      #expect(found[position] == expected)
    }
  }
}
