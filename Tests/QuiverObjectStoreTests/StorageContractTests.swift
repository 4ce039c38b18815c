import Foundation
import QuiverStorage
import Testing

/// What every `Storage` promises, checked on the local one and on S3 (with and without cache).
@Suite struct StorageContractTests {
  @Test(arguments: StorageBackend.available)
  func writesReadsListsAndDeletes(_ backend: StorageBackend) throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    let path = try StoragePath("data/a.bin")
    let writer = try storage.createObject(path)
    try writer.write([1, 2, 3])
    let early = #expect(throws: StorageError.self) { try storage.size(of: path) }
    #expect(early?.code == .notFound)
    try writer.write([4, 5])
    #expect(writer.bytesWritten == 5)
    try writer.finish()
    #expect(try storage.size(of: path) == 5)
    #expect(try storage.read(path) == [1, 2, 3, 4, 5])
    let reader = try storage.openReader(path)
    #expect(reader.size == 5)
    #expect(try reader.read(at: 1, count: 3) == [2, 3, 4])
    #expect(try reader.read(at: 5, count: 0) == [])
    #expect(try reader.read(ranges: [4..<5, 0..<1, 2..<2, 1..<3]) == [[5], [1], [], [2, 3]])
    let outside = #expect(throws: StorageError.self) { try reader.read(at: 3, count: 3) }
    #expect(outside?.code == .outOfRange)
    #expect(throws: StorageError.self) { try reader.read(ranges: [0..<1, 4..<6]) }

    let manifest = try StoragePath("_versions/1.manifest")
    #expect(try storage.putIfAbsent(manifest, [9]))
    #expect(try !storage.putIfAbsent(manifest, [8]))
    #expect(try storage.read(manifest) == [9])
    let listed = try storage.list(.root).map(\.path.description).sorted()
    #expect(listed == ["_versions/1.manifest", "data/a.bin"])
    #expect(try storage.list(try StoragePath("data")).map(\.size) == [5])
    #expect(try storage.list(try StoragePath("missing")).isEmpty)
    try storage.delete(path)
    try storage.delete(path)
    let missing = #expect(throws: StorageError.self) { try storage.read(path) }
    #expect(missing?.code == .notFound)
    #expect(missing?.message.contains(storage.location) == true)
    let missingReader = #expect(throws: StorageError.self) { try storage.openReader(path) }
    #expect(missingReader?.code == .notFound)
  }

  @Test(arguments: StorageBackend.available)
  func anAbortedObjectLeavesNothing(_ backend: StorageBackend) throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    let writer = try storage.createObject(try StoragePath("data/b.bin"))
    try writer.write([1])
    writer.abort()
    #expect(try storage.list(.root).isEmpty)
  }

  @Test(arguments: StorageBackend.available)
  func emptyObjectsExist(_ backend: StorageBackend) throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    let path = try StoragePath("data/empty.bin")
    try storage.createObject(path).finish()
    #expect(try storage.size(of: path) == 0)
    #expect(try storage.read(path) == [])
    #expect(try storage.openReader(path).read(ranges: [0..<0]) == [[]])
  }

  @Test(arguments: StorageBackend.available)
  func namesAndFolderNamesListOneLevel(_ backend: StorageBackend) throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    for path in ["a.quiver/_versions/1.manifest", "a.quiver/data/x.qvf", "b.quiver/data/y.qvf",
      "top.bin", "a.quiver/top.bin"]
    {
      #expect(try storage.putIfAbsent(try StoragePath(path), [1]))
    }
    #expect(try storage.folderNames(in: .root).sorted() == ["a.quiver", "b.quiver"])
    #expect(try storage.names(in: .root) == ["top.bin"])
    let table = try StoragePath("a.quiver")
    #expect(try storage.folderNames(in: table).sorted() == ["_versions", "data"])
    #expect(try storage.names(in: table) == ["top.bin"])
    #expect(try storage.names(in: table.appending(name: "_versions")) == ["1.manifest"])
    #expect(try storage.scoped(to: table).folderNames(in: .root).sorted() == ["_versions", "data"])
    #expect(try storage.folderNames(in: try StoragePath("missing")).isEmpty)
    #expect(try storage.names(in: try StoragePath("missing")).isEmpty)
  }

  @Test(arguments: StorageBackend.available)
  func emptyFoldersAreListedAndRemoved(_ backend: StorageBackend) async throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    #expect(try storage.putIfAbsent(try StoragePath("data/a.bin"), [1, 2]))
    for folder in ["_indices/u1", "_indices/u2/nested", "data/sub"] {
      try await backend.makeEmptyFolder(try StoragePath(folder), in: storage)
    }
    func empty(_ prefix: StoragePath) throws -> [String] {
      try storage.emptyFolders(under: prefix).map(\.path.description).sorted()
    }
    #expect(try empty(.root) == ["_indices", "_indices/u1", "_indices/u2", "_indices/u2/nested", "data/sub"])
    #expect(try empty(try StoragePath("_indices")) == ["_indices/u1", "_indices/u2", "_indices/u2/nested"])
    #expect(try empty(try StoragePath("missing")).isEmpty)
    // Folders are not objects.
    #expect(try storage.list(.root).map(\.path.description) == ["data/a.bin"])
    #expect(try !storage.removeFolderIfEmpty(try StoragePath("data")))
    #expect(try !storage.removeFolderIfEmpty(try StoragePath("_indices/u2")))
    for folder in ["_indices/u2/nested", "_indices/u2", "data/sub", "missing"] {
      #expect(try storage.removeFolderIfEmpty(try StoragePath(folder)), "\(folder)")
    }
    #expect(try empty(.root) == ["_indices", "_indices/u1"])
    #expect(try storage.read(try StoragePath("data/a.bin")) == [1, 2])
  }

  @Test(arguments: StorageBackend.available)
  func eightConcurrentPutIfAbsentHaveExactlyOneWinner(_ backend: StorageBackend) throws {
    let (storage, cleanUp) = try backend.make()
    defer { cleanUp() }
    for round in 0..<2 {
      let path = try StoragePath("_versions/\(round + 1).manifest")
      let results = ResultBox(count: 8)
      let finished = DispatchGroup()
      // Eight threads of their own (concurrentPerform would run only as many as cores at once).
      for writer in 0..<8 {
        finished.enter()
        Thread {
          results.set(writer, Result { try storage.putIfAbsent(path, [UInt8(writer)]) })
          finished.leave()
        }.start()
      }
      finished.wait()
      let outcomes = try results.values.map { try $0.get() }
      try #require(outcomes.filter { $0 }.count == 1)
      let winner = try #require(outcomes.firstIndex(of: true))
      #expect(try storage.read(path) == [UInt8(winner)])
    }
  }
}

/// Results written by concurrent workers, one slot each.
///
/// `@unchecked Sendable`: each slot is written by one worker under `lock`, read after all end.
final class ResultBox: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [Result<Bool, any Error>?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Bool, any Error>) { lock.withLock { slots[index] = result } }

  var values: [Result<Bool, any Error>] { lock.withLock { slots.compactMap { $0 } } }
}
