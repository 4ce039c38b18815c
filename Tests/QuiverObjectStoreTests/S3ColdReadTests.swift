import Dispatch
import Foundation
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// Cold reads of an `S3Storage` through its cache against the SeaweedFS server, counted in
/// requests: concurrent misses of one chunk share one GET, small gaps between missing chunks
/// are fetched rather than split into GETs, GETs go out at once within their bound, a prefetch
/// leaves the reads after it nothing to send, and opening costs no HEAD.
@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3ColdReadTests {
  static let chunkSize = 4_096
  let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ $0 >> 10) }
  let path: StoragePath

  init() throws {
    path = try StoragePath("data/cold.qvf")
  }

  /// A storage on a new prefix holding `bytes` at `path`, its cache folder `folder` empty.
  func filledStorage(
    _ folder: URL, gapChunks: Int = 2, concurrentRequests: Int = 8, budget: Int = 1 << 20
  ) throws -> S3Storage {
    let storage = try S3Storage(
      client: S3TestServer.client(), prefix: S3TestServer.uniquePrefix("cold-read"),
      options: S3StorageOptions(
        concurrentRequests: concurrentRequests, cacheDirectory: folder.path,
        cacheBudgetBytes: budget, cacheChunkSize: Self.chunkSize,
        cacheCoalescingGapChunks: gapChunks))
    #expect(try storage.putIfAbsent(path, bytes))
    return storage
  }

  /// A new storage (and client, so its counts start at zero) on `storage`'s prefix and options.
  func reopened(_ storage: S3Storage) throws -> S3Storage {
    try S3Storage(client: S3TestServer.client(), prefix: storage.prefix, options: storage.options)
  }

  /// Ten bytes inside each of the chunks `indices`.
  func chunks(_ indices: [Int]) -> [Range<Int>] {
    indices.map { ($0 * Self.chunkSize + 10)..<($0 * Self.chunkSize + 20) }
  }

  func withFolder(_ name: String, _ body: (URL) throws -> Void) throws {
    let folder = try TestPaths.temporaryDirectory(name)
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(folder)
  }

  /// Runs `body` on 8 threads released at the same moment, and says whether each read right.
  func concurrently(_ body: @escaping @Sendable (Int) throws -> Bool) -> [String: Int] {
    let results = S3RequestCounter()
    let start = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    for thread in 0..<8 {
      DispatchQueue.global().async(group: group) {
        start.wait()
        results.increment(((try? body(thread)) ?? false) ? "right" : "wrong")
      }
    }
    for _ in 0..<8 { start.signal() }
    group.wait()
    return results.byKind
  }

  @Test func concurrentMissesOfOneChunkShareOneGet() throws {
    try withFolder("objectstore-single-flight") { folder in
      let storage = try reopened(try filledStorage(folder))
      let reader = try storage.openReader(path)  // the first chunk and the size, one GET
      #expect(storage.client.requestsSentByKind == ["GET": 1])
      let bytes = bytes
      let outcome = concurrently { thread in
        let range = (50_000 + thread * 10)..<(50_100 + thread * 10)  // all inside chunk 12
        return try reader.read(ranges: [range]) == [Array(bytes[range])]
      }
      #expect(outcome == ["right": 8])
      #expect(storage.client.requestsSentByKind == ["GET": 2])

      // Eight readers of the same eight chunks, one chunk apart: one GET brings them all.
      let spread = chunks([14, 16, 18, 20, 22])
      let many = concurrently { _ in
        try reader.read(ranges: spread) == spread.map { Array(bytes[$0]) }
      }
      #expect(many == ["right": 8])
      #expect(storage.client.requestsSentByKind == ["GET": 3])
    }
  }

  @Test func smallGapsBetweenMissingChunksAreFetchedNotSplit() throws {
    try withFolder("objectstore-gaps") { folder in
      let wide = try reopened(try filledStorage(folder, gapChunks: 2))
      let reader = try wide.openReader(path)
      // Chunks 3, 5 and 8 (gaps of 1 and 2 chunks): one GET; chunk 12, 3 chunks further: one.
      let ranges = chunks([3, 5, 8, 12])
      #expect(try reader.read(ranges: ranges) == ranges.map { Array(bytes[$0]) })
      #expect(wide.client.requestsSentByKind == ["GET": 3])
      // The chunks of the gap were cached with their neighbours; 10 and 11 were not.
      let gap = chunks([4, 6, 7])
      #expect(try reader.read(ranges: gap) == gap.map { Array(bytes[$0]) })
      #expect(wide.client.requestsSentByKind == ["GET": 3])
      _ = try reader.read(ranges: chunks([10]))
      #expect(wide.client.requestsSentByKind == ["GET": 4])
      // A gap holding a cached chunk is not fetched again: 13 and 15 around 14 go as two GETs.
      _ = try reader.read(ranges: chunks([14]))
      let around = chunks([13, 15])
      #expect(try reader.read(ranges: around) == around.map { Array(bytes[$0]) })
      #expect(wide.client.requestsSentByKind == ["GET": 7])
    }
    try withFolder("objectstore-no-gaps") { folder in
      let narrow = try reopened(try filledStorage(folder, gapChunks: 0))
      let reader = try narrow.openReader(path)
      _ = try reader.read(ranges: chunks([3, 5, 8, 12]))
      #expect(narrow.client.requestsSentByKind == ["GET": 5])
    }
  }

  @Test func independentGetsGoOutAtOnceWithinTheirBound() throws {
    try withFolder("objectstore-bound") { folder in
      let far = chunks([2, 6, 10, 14, 18])  // every gap 3 chunks: five GETs
      let bounded = try reopened(try filledStorage(folder, concurrentRequests: 2))
      _ = try bounded.openReader(path).read(ranges: far)
      #expect(bounded.client.requestsSentByKind == ["GET": 6])
      #expect(bounded.client.peakRequestsInFlight == 2)
      let wide = try reopened(try filledStorage(folder, concurrentRequests: 8))
      _ = try wide.openReader(path).read(ranges: far)
      #expect(wide.client.requestsSentByKind == ["GET": 6])
      #expect(wide.client.peakRequestsInFlight >= 3)
    }
  }

  @Test func aPrefetchLeavesTheReadsAfterItNothingToSend() throws {
    try withFolder("objectstore-prefetch") { folder in
      let storage = try reopened(try filledStorage(folder))
      let reader = try storage.openReader(path)
      let ranges = chunks([5, 9, 13, 17, 21])
      try reader.prefetch(ranges: ranges)
      let afterPrefetch = storage.client.requestsSentByKind
      #expect(afterPrefetch == ["GET": 6])
      #expect(storage.client.peakRequestsInFlight >= 2)
      for range in ranges {
        #expect(try reader.read(at: range.lowerBound, count: range.count) == Array(bytes[range]))
      }
      #expect(storage.client.requestsSentByKind == afterPrefetch)
      #expect(throws: StorageError.self) { try reader.prefetch(ranges: [99_999..<100_001]) }
    }
    try withFolder("objectstore-prefetch-budget") { folder in
      // Half of a 40,000-byte budget holds two ranges' worth of chunks (8,192 bytes at most
      // each): the third and later ranges are left to their reads.
      let storage = try reopened(try filledStorage(folder, budget: 40_000))
      try storage.openReader(path).prefetch(ranges: chunks([5, 9, 13, 17, 21]))
      #expect(storage.client.requestsSentByKind == ["GET": 3])
    }
  }

  @Test func openingAnObjectToReadSendsNoHead() throws {
    try withFolder("objectstore-open") { folder in
      let storage = try reopened(try filledStorage(folder))
      let reader = try storage.openReader(path)
      #expect(reader.size == bytes.count)
      #expect(try reader.read(at: 100, count: 50) == Array(bytes[100..<150]))  // chunk 0: cached
      #expect(storage.client.requestsSentByKind == ["GET": 1])
      let empty = try StoragePath("data/empty.qvf")
      #expect(try storage.putIfAbsent(empty, []))
      #expect(try storage.openReader(empty).size == 0)
      let missing = #expect(throws: StorageError.self) {
        try storage.openReader(try StoragePath("data/missing.qvf"))
      }
      #expect(missing?.code == .notFound)
      let warm = try reopened(storage)
      #expect(try warm.openReader(path).size == bytes.count)
      #expect(warm.client.requestsSent == 0)
    }
  }
}
