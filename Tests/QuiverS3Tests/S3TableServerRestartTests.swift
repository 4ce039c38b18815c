import Foundation
import Quiver
import QuiverFormat
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTestSupport
import Testing

/// A table on a SeaweedFS server of the test's own, stopped while the table is open: an
/// indexed search fails with a typed error within the retry budget, and once the server is
/// back the next search finds the right rows.
@Suite(.enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct S3TableServerRestartTests {
  /// Item numbers of the 5 nearest rows to `query`, through the index.
  static func nearest(_ table: Table, _ query: [Float]) throws -> [Int64] {
    try table.search(query).limit(5).nprobes(4).refineFactor(20).select(["item"]).execute()[
      "item"]!.values(as: Int64.self)
  }

  @Test func anIndexedSearchWithTheServerStoppedFailsWithinTheBudgetAndWorksAfterARestart()
    throws
  {
    let server = try PrivateS3Server()
    defer { server.stop() }
    let policy = S3RetryPolicy(
      maximumAttempts: 4, initialDelaySeconds: 0.1, maximumDelaySeconds: 0.5, budgetSeconds: 2,
      requestTimeoutSeconds: 3)
    let uri = "s3://\(TableBackend.bucket)/restart-\(UUID().uuidString.lowercased())"
    let db = try Database(
      uri: uri, options: S3DatabaseOptions(endpoint: server.endpoint, retryPolicy: policy))
    var generator = SeededGenerator(seed: 0x5E4D)
    let created = try db.createTable(
      "t",
      data: try RecordBatch(columns: [
        "item": (0..<300).map { Int64($0) }, "vector": (0..<300).map { _ in generator.floats(8) },
      ]))
    try created.createIndex(on: "vector", .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 4))
    let queries = (0..<3).map { _ in generator.floats(8) }
    let expected = try queries.map {
      try created.search($0).limit(5).bypassVectorIndex().select(["item"]).execute()["item"]!
        .values(as: Int64.self)
    }
    // Opened (its manifest read) while the server runs, searched only once it is gone.
    let table = try db.openTable("t")

    try server.halt()
    let started = ContinuousClock.now
    do {
      _ = try Self.nearest(table, queries[0])
      Issue.record("a search with the server stopped succeeded")
    } catch {
      let elapsed = ContinuousClock.now - started
      // A bound, not a measurement: the retries stop at the budget, plus one request's timeout
      // and a margin for a loaded machine.
      #expect(elapsed < .seconds(policy.budgetSeconds + policy.requestTimeoutSeconds + 5))
      let failure = S3TableFailureTests.objectStoreError(error)
      #expect(failure?.code == .unreachable, "\(error)")
      #expect(failure?.attempts == policy.maximumAttempts, "\(error)")
      #expect("\(error)".contains(TableBackend.bucket), "\(error)")
    }

    // A restarted SeaweedFS lists before its volume serves (HTTP 500 meanwhile): wait, with a
    // patient client, until every object of the table reads again.
    try server.start()
    let patient = S3Client(
      bucket: TableBackend.bucket,
      configuration: try S3DatabaseOptions(
        endpoint: server.endpoint,
        retryPolicy: S3RetryPolicy(
          maximumAttempts: 40, initialDelaySeconds: 0.1, maximumDelaySeconds: 1, budgetSeconds: 30)
      ).configuration())
    let tablePrefix = String(uri.dropFirst("s3://\(TableBackend.bucket)/".count)) + "/t.quiver"
    let objects = try S3Storage(client: patient, prefix: tablePrefix)
    for entry in try objects.list(.root) { _ = try objects.read(entry.path) }

    #expect(try queries.map { try Self.nearest(table, $0) } == expected)
  }
}
