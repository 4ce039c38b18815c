import Dispatch
import Foundation
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// `S3ObjectCache` without a server: its files, its memory layer and the checks between them.
struct S3ObjectCacheTests {
  let chunkSize = 4_096

  func chunk(_ index: Int) -> [UInt8] {
    (0..<chunkSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
  }

  func withFolder(_ body: (URL) throws -> Void) throws {
    let folder = try TestPaths.temporaryDirectory("objectstore-cache")
    defer { try? FileManager.default.removeItem(at: folder) }
    try body(folder)
  }

  func cache(_ folder: URL, budget: Int = 1 << 20, memory: Int = 1 << 20) throws -> S3ObjectCache {
    try S3ObjectCache(
      directory: folder.path, budgetBytes: budget, chunkSize: chunkSize, memoryBudgetBytes: memory)
  }

  @Test func theFilesStayWithinTheirBudget() throws {
    try withFolder { folder in
      let cache = try cache(folder, budget: 10_000, memory: 0)
      let object = cache.objectName(bucket: "b", key: "k")
      for index in 0..<10 { cache.storeChunk(chunk(index), index: index, of: object) }
      #expect(cache.bytesHeld <= 10_000)
      #expect(cache.chunk(9, count: chunkSize, of: object) == chunk(9))
      #expect(cache.chunk(0, count: chunkSize, of: object) == nil)
      #expect(cache.chunk(9, count: 100, of: object) == nil)  // a short chunk is a miss
      let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      #expect(files.count * chunkSize <= 10_000)
    }
  }

  @Test func memoryKeepsTheMostRecentlyReadChunksWithinItsBudget() throws {
    try withFolder { folder in
      let cache = try cache(folder, memory: 2 * chunkSize + 100)
      let object = cache.objectName(bucket: "b", key: "k")
      cache.storeChunk(chunk(0), index: 0, of: object)
      cache.storeChunk(chunk(1), index: 1, of: object)
      #expect(cache.chunk(0, count: chunkSize, of: object) == chunk(0))  // 1 is now the oldest
      cache.storeChunk(chunk(2), index: 2, of: object)
      #expect(cache.memoryBytesHeld == 2 * chunkSize)
      #expect(cache.chunk(0, count: chunkSize, of: object) == chunk(0))
      #expect(cache.chunk(2, count: chunkSize, of: object) == chunk(2))
      #expect(cache.filesCheckedCount == 0)  // both from memory
      #expect(cache.chunk(1, count: chunkSize, of: object) == chunk(1))
      #expect(cache.filesCheckedCount == 1)  // 1 was dropped from memory: read from its file
      #expect(cache.memoryBytesHeld <= 2 * chunkSize + 100)
    }
  }

  @Test func aChunkFileIsCheckedOnceWhenItEntersMemory() throws {
    try withFolder { folder in
      let writer = try cache(folder)
      let object = writer.objectName(bucket: "b", key: "k")
      writer.storeChunk(chunk(3), index: 3, of: object)
      writer.storeSize(12_345, of: object)
      let reader = try cache(folder)  // as another process would open the folder
      for _ in 0..<5 {
        #expect(reader.chunk(3, count: chunkSize, of: object) == chunk(3))
        #expect(reader.size(of: object) == 12_345)
      }
      #expect(reader.filesCheckedCount == 2)
      #expect(reader.corruptFilesCount == 0)
    }
  }

  @Test func aCorruptChunkFileIsAMissAndIsRemoved() throws {
    try withFolder { folder in
      let writer = try cache(folder)
      let object = writer.objectName(bucket: "b", key: "k")
      writer.storeChunk(chunk(0), index: 0, of: object)
      writer.storeChunk(chunk(1), index: 1, of: object)
      let file = folder.appendingPathComponent(S3CachedPart(object: object, index: 1).fileName)
      var bytes = try [UInt8](Data(contentsOf: file))
      bytes[1_000] ^= 0x10  // same length, one bit flipped
      try Data(bytes).write(to: file)

      let reader = try cache(folder)
      #expect(reader.chunk(0, count: chunkSize, of: object) == chunk(0))
      #expect(reader.chunk(1, count: chunkSize, of: object) == nil)
      #expect(reader.corruptFilesCount == 1)
      #expect(!FileManager.default.fileExists(atPath: file.path))
      reader.storeChunk(chunk(1), index: 1, of: object)  // what a reader does after fetching it
      #expect(try cache(folder).chunk(1, count: chunkSize, of: object) == chunk(1))
    }
  }

  @Test func concurrentReadersOfOneChunkShareOneFileRead() throws {
    try withFolder { folder in
      let writer = try cache(folder)
      let object = writer.objectName(bucket: "b", key: "k")
      writer.storeChunk(chunk(5), index: 5, of: object)
      for _ in 0..<20 {
        let reader = try cache(folder)
        let matches = S3RequestCounter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
          if reader.chunk(5, count: chunkSize, of: object) == chunk(5) { matches.increment("match") }
        }
        #expect(matches.byKind == ["match": 8])
        #expect(reader.filesCheckedCount == 1)
      }
    }
  }

  @Test func reopenedFilesGoOldestFirst() throws {
    try withFolder { folder in
      let writer = try cache(folder, memory: 0)
      let object = writer.objectName(bucket: "b", key: "k")
      for index in 0..<3 { writer.storeChunk(chunk(index), index: index, of: object) }
      let fileSize = writer.bytesHeld / 3
      // Modification times: 1 oldest, then 2, then 0 (written first, touched last).
      let now = Date()
      for (index, age) in [(1, 300.0), (2, 200.0), (0, 100.0)] {
        try FileManager.default.setAttributes(
          [.modificationDate: now.addingTimeInterval(-age)],
          ofItemAtPath: folder.appendingPathComponent(
            S3CachedPart(object: object, index: index).fileName
          ).path)
      }
      // Room for all four files less one byte: storing a fourth drops exactly one.
      let reopened = try cache(folder, budget: 4 * fileSize - 1, memory: 0)
      #expect(reopened.bytesHeld == 3 * fileSize)
      reopened.storeChunk(chunk(3), index: 3, of: object)
      let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      #expect(left == [0, 2, 3].map { S3CachedPart(object: object, index: $0).fileName }.sorted())
    }
  }
}
