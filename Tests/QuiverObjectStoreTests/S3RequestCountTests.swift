import QuiverStorage
import Testing

@testable import QuiverObjectStore

/// `S3Client.requestsSentByKind`: what the benchmarks report as a query's GETs, HEADs and LISTs.
@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3RequestCountTests {
  @Test func requestsAreCountedByKind() throws {
    let storage = try S3Storage(
      client: S3TestServer.client(), prefix: S3TestServer.uniquePrefix("request-count"))
    #expect(storage.client.requestsSentByKind.isEmpty)
    let path = try StoragePath("data/counted.bin")
    #expect(try storage.putIfAbsent(path, Array(repeating: 7, count: 1_000)))
    let reader = try storage.openReader(path)  // a HEAD for the size
    _ = try reader.read(ranges: [0..<10, 900..<910])  // one GET: the two are within the gap
    _ = try storage.read(path)  // a GET of the whole object
    _ = try storage.list(.root)
    try storage.delete(path)
    #expect(
      storage.client.requestsSentByKind == ["PUT": 1, "HEAD": 1, "GET": 2, "LIST": 1, "DELETE": 1])
    #expect(storage.client.requestsSent == 6)
  }
}
