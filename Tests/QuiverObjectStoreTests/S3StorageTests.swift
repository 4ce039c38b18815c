import Foundation
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// `S3Storage` against the SeaweedFS server: range reads, multipart, the cache, errors.
@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3StorageTests {
  func storage(_ options: S3StorageOptions = S3StorageOptions(), name: String = "storage") throws
    -> S3Storage
  {
    try S3Storage(
      client: S3TestServer.client(), prefix: S3TestServer.uniquePrefix(name), options: options)
  }

  func pattern(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
  }

  @Test func nearbyRangesShareOneGetAndFarOnesGoTogether() throws {
    let storage = try storage(S3StorageOptions(coalescingGap: 100))
    let bytes = pattern(100_000)
    let path = try StoragePath("data/ranges.bin")
    #expect(try storage.putIfAbsent(path, bytes))
    let reader = try storage.openReader(path)
    let ranges = [50_000..<50_010, 10..<20, 30..<40, 99_990..<100_000, 0..<5, 60_000..<60_000]
    let before = storage.client.requestsSent
    let read = try reader.read(ranges: ranges)
    #expect(read == ranges.map { Array(bytes[$0]) })
    // 0..<5, 10..<20 and 30..<40 are within 100 bytes: one GET; the other two: one each.
    #expect(storage.client.requestsSent - before == 3)
    var buffer = [UInt8](repeating: 0, count: 1_000)
    try buffer.withUnsafeMutableBytes { try reader.read(at: 70_000, into: $0) }
    #expect(buffer == Array(bytes[70_000..<71_000]))
  }

  @Test func coalescingMergesOnlyWithinTheGap() {
    #expect(S3ObjectReader.coalesced([], gap: 10) == [])
    #expect(S3ObjectReader.coalesced([20..<30, 0..<5, 15..<16], gap: 10) == [0..<30])
    #expect(S3ObjectReader.coalesced([0..<5, 16..<20], gap: 10) == [0..<5, 16..<20])
    #expect(S3ObjectReader.coalesced([0..<50, 10..<20], gap: 0) == [0..<50])
  }

  @Test func largeObjectsGoUpInPartsAndAppearOnlyWhenComplete() throws {
    let storage = try storage(S3StorageOptions(partSize: 5 << 20, concurrentPartUploads: 2))
    let bytes = pattern((11 << 20) + 77)
    let path = try StoragePath("data/big.qvf")
    let writer = try storage.createObject(path)
    var offset = 0
    while offset < bytes.count {
      let end = min(bytes.count, offset + (1 << 20) + 3)
      try writer.write(Array(bytes[offset..<end]))
      offset = end
    }
    #expect(try storage.list(.root).isEmpty)
    try writer.finish()
    #expect(try storage.size(of: path) == bytes.count)
    #expect(try storage.read(path) == bytes)
    let edge = (5 << 20) - 10..<(5 << 20) + 10
    #expect(try storage.openReader(path).read(ranges: [edge]) == [Array(bytes[edge])])

    let abandoned = try storage.createObject(try StoragePath("data/abandoned.qvf"))
    try abandoned.write(Array(bytes[..<(6 << 20)]))
    abandoned.abort()
    #expect(try storage.list(.root).map(\.path.description) == ["data/big.qvf"])
  }

  @Test func aWarmCacheReadsNothingButManifestsAlwaysGoToTheServer() throws {
    let folder = try TestPaths.temporaryDirectory("objectstore-cache")
    defer { try? FileManager.default.removeItem(at: folder) }
    let options = S3StorageOptions(
      cacheDirectory: folder.path, cacheBudgetBytes: 1 << 20, cacheChunkSize: 4_096)
    let writer = try storage(options, name: "cache")
    let bytes = pattern(50_000)
    let data = try StoragePath("data/cached.qvf")
    let manifest = try StoragePath("_versions/1.manifest")
    #expect(try writer.putIfAbsent(data, bytes))
    #expect(try writer.putIfAbsent(manifest, [1, 2, 3]))

    // A second storage on the same prefix and cache folder, as another process would be.
    let reader = try S3Storage(client: S3TestServer.client(), prefix: writer.prefix, options: options)
    let ranges = [100..<200, 20_000..<30_000, 49_000..<50_000]
    #expect(try reader.openReader(data).read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
    let cold = reader.client.requestsSent
    #expect(cold >= 2)  // a HEAD for the size, then the missing chunks

    let warm = try S3Storage(client: S3TestServer.client(), prefix: writer.prefix, options: options)
    #expect(try warm.openReader(data).read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
    #expect(try warm.size(of: data) == bytes.count)
    #expect(warm.client.requestsSent == 0)

    #expect(try warm.read(manifest) == [1, 2, 3])
    #expect(try warm.read(manifest) == [1, 2, 3])
    #expect(warm.client.requestsSent == 2)

    // A whole read fills the cache too, and the budget holds.
    #expect(try warm.read(data) == bytes)
    #expect(try warm.read(data) == bytes)
    #expect(warm.cache.map { $0.bytesHeld <= 1 << 20 } == true)
    try warm.delete(data)
    #expect(throws: StorageError.self) { try warm.read(data) }
  }

  @Test func wrongCredentialsMissingBucketAndUnreachableEndpointEachGiveOneClearError() throws {
    let path = try StoragePath("data/x.qvf")
    let wrongKeys = try S3Storage(
      client: S3Client(
        bucket: S3TestServer.bucket,
        configuration: try S3TestServer.configuration(
          credentials: S3Credentials(accessKeyID: "quiver-test", secretAccessKey: "wrong"))),
      prefix: "tests")
    let denied = #expect(throws: StorageError.self) { try wrongKeys.read(path) }
    #expect(denied?.code == .permissionDenied)
    #expect(denied?.message.contains("access denied") == true)

    let noBucket = try S3Storage(
      url: "s3://missing-\(UUID().uuidString.prefix(8).lowercased())/db",
      configuration: try S3TestServer.configuration())
    let missing = #expect(throws: StorageError.self) { try noBucket.list(.root) }
    #expect(missing?.code == .remote(status: 404))
    #expect(missing?.message.contains("no such bucket") == true)
    #expect(missing?.message.contains(noBucket.location) == true)

    let server = try ScriptedHTTPServer(script: [])  // a port with nothing listening
    Thread.sleep(forTimeInterval: 0.05)
    let nowhere = try S3Storage(
      url: "s3://bucket/db",
      configuration: try S3Configuration(
        endpoint: "http://127.0.0.1:\(server.port)",
        credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"),
        retryPolicy: S3RetryPolicy(maximumAttempts: 3, initialDelaySeconds: 0.01)))
    let unreachable = #expect(throws: StorageError.self) { try nowhere.size(of: path) }
    #expect(unreachable?.code == .ioFailure)
    #expect(unreachable?.message.contains("after 3 tries") == true)
  }

  @Test func aServerStoppedMidReadGivesATypedErrorWithinTheRetryBudget() throws {
    let server = try ScriptedHTTPServer(script: [
      ScriptedHTTPServer.answer(
        206, "Partial Content", body: pattern(500_000), cutAfter: 10_000)
    ])
    let policy = S3RetryPolicy(
      maximumAttempts: 5, initialDelaySeconds: 0.05, maximumDelaySeconds: 0.2, budgetSeconds: 2,
      requestTimeoutSeconds: 2)
    let storage = try S3Storage(
      url: "s3://bucket/db",
      configuration: try S3Configuration(
        endpoint: "http://127.0.0.1:\(server.port)",
        credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"), retryPolicy: policy))
    let reader = S3ObjectReader(storage: storage, path: try StoragePath("data/x.qvf"), size: 1 << 20)
    let started = Date()
    let error = #expect(throws: StorageError.self) { try reader.read(ranges: [0..<500_000]) }
    #expect(error?.code == .ioFailure)
    #expect(error?.message.contains("s3://bucket/db/data/x.qvf") == true)
    #expect(Date().timeIntervalSince(started) < policy.budgetSeconds + policy.requestTimeoutSeconds)
  }
}
