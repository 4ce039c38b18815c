#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import Quiver
import QuiverFormat
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTable
import QuiverTestSupport
import Testing

/// Writer processes committing to one table on S3 with conditional PUTs (QuiverTableWriterTool
/// children; the endpoint reaches them through `AWS_ENDPOINT_URL`).
@Suite(.serialized, .enabled(if: TableBackend.serverIsConfigured, TableBackend.missingServer))
struct S3MultiProcessTests {
  /// A new table for the writer tool (`id: int64`, 4-d vectors) at a fresh `s3://` URI.
  static func createTable() throws -> (uri: String, storage: S3Storage) {
    let uri = TableBackend.uniqueURI("writers") + "/t.quiver"
    let storage = try S3Storage(url: uri, configuration: TableBackend.options().configuration())
    let schema = try Schema([
      Field("id", .int64, nullable: false), Field("vector", .fixedSizeList(.float32, dimension: 4)),
    ])
    _ = try Dataset.create(in: storage, schema: schema)
    return (uri, storage)
  }

  static let childEnvironment = ["AWS_ENDPOINT_URL": TableBackend.endpoint]

  static func liveIDs(_ dataset: Dataset) throws -> [Int64] {
    var ids: [Int64] = []
    try dataset.scan(columns: ["id"]) { ids += $0.batch.columns[0].values(as: Int64.self) }
    return ids
  }

  // No `.timeLimit`: a hung writer is killed by `TableWriterProcess`'s own hang guard.
  @Test
  func eightWritersAppendingTwentyFiveTimesEachLoseNothing() throws {
    let (uri, storage) = try Self.createTable()
    let writers = try (1...8).map {
      try TableWriterProcess(
        table: uri, writer: $0, first: 0, count: 25, environment: Self.childEnvironment)
    }
    for writer in writers {
      let result = writer.finish()
      #expect(result.status == 0, "writer failed: \(result.errors)")
      #expect(result.acks == Array(0..<25), "writer failed: \(result.errors)")
    }
    let dataset = try Dataset.open(in: storage)
    #expect(dataset.version == 201)
    let ids = try Self.liveIDs(dataset)
    let expected = (1...8).flatMap { writer in (0..<25).map { Int64(writer * 1_000_000 + $0) } }
    #expect(ids.count == 200)
    #expect(ids.sorted() == expected.sorted())
    for writer in 1...8 {
      let own = ids.filter { $0 / 1_000_000 == writer }
      #expect(own == own.sorted(), "writer \(writer)'s appends out of order")
    }
  }

  @Test
  func aWriterKilledMidCommitLeavesEveryEarlierVersionReadable() throws {
    let (uri, storage) = try Self.createTable()
    var random = SeededGenerator(seed: 0x53_C0DE)
    var acknowledged = Set<Int>()
    var next = 0
    for _ in 0..<4 {
      let writer = try TableWriterProcess(
        table: uri, writer: 5, first: next, count: 30, environment: Self.childEnvironment)
      let alreadyRead = writer.waitForAcknowledgements(Int.random(in: 1...4, using: &random))
      usleep(UInt32.random(in: 0...20_000, using: &random))
      kill(writer.process.processIdentifier, SIGKILL)
      let result = writer.finish(alreadyRead: alreadyRead)
      #expect(!result.timedOut, "a writer hung: \(result.errors)")
      acknowledged.formUnion(result.acks)
      // Every version opens and holds a prefix of the appends, each at most once.
      // Every PUT carries Content-MD5, so a manifest whose body the kill cut short (even to
      // nothing) is refused by the server, never stored to take the version number.
      let latest = try Dataset.open(in: storage)
      for version in 1...latest.version {
        let present = try Self.liveIDs(Dataset.open(in: storage, version: version))
          .map { Int($0) - 5_000_000 }
        #expect(present == Array(0..<Int(version - 1)), "version \(version)")
      }
      let present = Set(try Self.liveIDs(latest).map { Int($0) - 5_000_000 })
      #expect(acknowledged.isSubset(of: present), "an acknowledged append is missing")
      next = Int(latest.version) - 1
    }
    // A new writer carries on from the latest version.
    let last = try TableWriterProcess(
      table: uri, writer: 5, first: next, count: 2, environment: Self.childEnvironment
    ).finish()
    #expect(last.status == 0, "writer failed: \(last.errors)")
    #expect(try Self.liveIDs(Dataset.open(in: storage)) == (0..<(next + 2)).map { Int64(5_000_000 + $0) })
  }
}
