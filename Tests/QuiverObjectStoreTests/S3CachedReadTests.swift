import Dispatch
import Foundation
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// Reads of an `S3Storage` through its cache against the SeaweedFS server: warm reads send
/// nothing and check nothing again, a corrupt cache file is fetched again, concurrent readers.
@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3CachedReadTests {
  let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) }
  let path: StoragePath
  let ranges = [100..<200, 20_000..<30_000, 49_000..<50_000]

  init() throws {
    path = try StoragePath("data/cached.qvf")
  }

  func options(_ folder: URL) -> S3StorageOptions {
    S3StorageOptions(cacheDirectory: folder.path, cacheBudgetBytes: 1 << 20, cacheChunkSize: 4_096)
  }

  /// A storage on a new prefix holding `bytes` at `path`, its cache folder empty.
  func filledStorage(_ folder: URL) throws -> S3Storage {
    let storage = try S3Storage(
      client: S3TestServer.client(), prefix: S3TestServer.uniquePrefix("cached-read"),
      options: options(folder))
    #expect(try storage.putIfAbsent(path, bytes))
    return storage
  }

  /// Another storage on the same prefix and cache folder, as another process would open it.
  func reopened(_ storage: S3Storage) throws -> S3Storage {
    try S3Storage(client: S3TestServer.client(), prefix: storage.prefix, options: storage.options)
  }

  @Test func aWarmReadSendsNoRequestAndChecksNoFileAgain() throws {
    let folder = try TestPaths.temporaryDirectory("objectstore-warm")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cold = try filledStorage(folder)
    #expect(try cold.openReader(path).read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
    #expect(cold.client.requestsSentByKind["GET", default: 0] >= 1)

    let warm = try reopened(cold)
    let cache = try #require(warm.cache)
    let reader = try warm.openReader(path)
    #expect(try reader.read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
    let checked = cache.filesCheckedCount
    #expect(checked == 8)  // the size file and chunks 0, 4 to 7 and 11 to 12 (of 4,096 bytes)
    for _ in 0..<3 {
      #expect(try reader.read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
      #expect(try reader.read(at: 20_400, count: 5_000) == Array(bytes[20_400..<25_400]))
      #expect(try warm.size(of: path) == bytes.count)
    }
    #expect(cache.filesCheckedCount == checked)
    #expect(warm.client.requestsSent == 0)
  }

  @Test func aCorruptCacheFileIsFetchedAgain() throws {
    let folder = try TestPaths.temporaryDirectory("objectstore-corrupt")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cold = try filledStorage(folder)
    #expect(try cold.read(path) == bytes)
    let cache = try #require(cold.cache)
    let object = cache.objectName(bucket: cold.client.bucket, key: cold.key(path))
    let file = folder.appendingPathComponent(S3CachedPart(object: object, index: 5).fileName)
    var stored = try [UInt8](Data(contentsOf: file))
    stored[2_000] ^= 0x01
    try Data(stored).write(to: file)

    let warm = try reopened(cold)
    #expect(try warm.openReader(path).read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
    #expect(warm.client.requestsSentByKind == ["GET": 1])  // chunk 5 only
    #expect(warm.cache?.corruptFilesCount == 1)
    let again = try reopened(cold)
    #expect(try again.read(path) == bytes)
    #expect(again.client.requestsSent == 0)
    #expect(again.cache?.corruptFilesCount == 0)
  }

  @Test func concurrentReadersOfOneChunkAllGetItsBytes() throws {
    let folder = try TestPaths.temporaryDirectory("objectstore-concurrent")
    defer { try? FileManager.default.removeItem(at: folder) }
    let storage = try filledStorage(folder)
    let reader = try storage.openReader(path)
    let results = S3RequestCounter()
    DispatchQueue.concurrentPerform(iterations: 8) { round in
      let range = (8_000 + round * 10)..<(8_100 + round * 10)  // all inside chunk 1
      let read = (try? reader.read(ranges: [range])) ?? []
      results.increment(read == [Array(bytes[range])] ? "right" : "wrong")
    }
    #expect(results.byKind == ["right": 8])
    let warm = try reopened(storage)
    let warmReader = try warm.openReader(path)
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let read = try? warmReader.read(at: 8_000, count: 100)
      results.increment(read == Array(bytes[8_000..<8_100]) ? "right" : "wrong")
    }
    #expect(results.byKind == ["right": 16])
    #expect(warm.client.requestsSent == 0)
    #expect(warm.cache?.filesCheckedCount == 2)  // the size file and chunk 1, once each
  }
}
