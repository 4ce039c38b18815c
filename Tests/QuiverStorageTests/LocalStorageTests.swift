import Foundation
import QuiverTestSupport
import Testing

@testable import QuiverStorage

/// What only the local file system's storage does (FIFOs, links, plain files, names); what every
/// `Storage` promises, the local one included, StorageContractTests (QuiverObjectStoreTests) checks.
@Suite struct LocalStorageTests {
  func storage() throws -> (LocalStorage, URL) {
    let folder = try TestPaths.temporaryDirectory("storage")
    return (LocalStorage(root: folder.appendingPathComponent("t.quiver").path), folder)
  }

  @Test func fifoIsRefusedWithoutBlocking() throws {
    let (storage, folder) = try storage()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try storage.putIfAbsent(try StoragePath("data/keep.bin"), [1])
    #expect(mkfifo(storage.localPath(try StoragePath("data/pipe.qvf")), 0o644) == 0)
    let error = #expect(throws: StorageError.self) {
      try storage.openReader(try StoragePath("data/pipe.qvf"))
    }
    #expect(error?.code == .notRegularFile)
    #expect(throws: StorageError.self) { try storage.size(of: try StoragePath("data/pipe.qvf")) }
    #expect(try storage.list(.root).map(\.path.description) == ["data/keep.bin"])
    let plain = #expect(throws: StorageError.self) {
      try LocalFileReader(path: storage.localPath(try StoragePath("data/pipe.qvf")))
    }
    #expect(plain?.code == .notRegularFile)
  }

  @Test func symbolicLinksAreNeverFollowed() throws {
    let (storage, folder) = try storage()
    defer { try? FileManager.default.removeItem(at: folder) }
    let outside = folder.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try Data([7]).write(to: outside.appendingPathComponent("secret.bin"))
    try FileManager.default.createDirectory(atPath: storage.root, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: storage.localPath(try StoragePath("data")), withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(
      atPath: storage.localPath(try StoragePath("file.bin")),
      withDestinationPath: outside.appendingPathComponent("secret.bin").path)
    for path in ["data/secret.bin", "file.bin"] {
      let error = #expect(throws: StorageError.self) { try storage.read(try StoragePath(path)) }
      #expect(error?.code == .symbolicLink)
    }
    let write = #expect(throws: StorageError.self) {
      try storage.createObject(try StoragePath("data/new.bin"))
    }
    #expect(write?.code == .symbolicLink)
    #expect(throws: StorageError.self) { try storage.delete(try StoragePath("data/secret.bin")) }
    #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("secret.bin").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == ["secret.bin"])
    #expect(try storage.list(.root).isEmpty)
  }

  @Test func plainFileWriterReplacesOnlyWhenAsked() throws {
    let folder = try TestPaths.temporaryDirectory("storage")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.bin").path
    let first = try LocalFileWriter(path: path, replaceExisting: false)
    try first.write([1])
    try first.finish()
    #expect(throws: StorageError.self) { try LocalFileWriter(path: path, replaceExisting: false) }
    let second = try LocalFileWriter(path: path, replaceExisting: true)
    try second.write([2, 3])
    try second.finish()
    #expect(try LocalFileReader(path: path).readAll() == [2, 3])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.bin"])
  }
}

@Suite struct LocalStorageNamesTests {
  @Test func namesListsRegularFilesOfOneFolderOnly() throws {
    let folder = try TestPaths.temporaryDirectory("storage")
    defer { try? FileManager.default.removeItem(at: folder) }
    let storage = LocalStorage(root: folder.path)
    for path in ["v/1.manifest", "v/2.manifest", "v/nested/3.manifest"] {
      #expect(try storage.putIfAbsent(try StoragePath(path), [1]))
    }
    #expect(mkfifo(storage.localPath(try StoragePath("v/pipe")), 0o644) == 0)
    try FileManager.default.createSymbolicLink(
      atPath: storage.localPath(try StoragePath("v/link")), withDestinationPath: "1.manifest")
    #expect(try storage.names(in: try StoragePath("v")).sorted() == ["1.manifest", "2.manifest"])
    #expect(try storage.names(in: try StoragePath("missing")).isEmpty)
  }
}
