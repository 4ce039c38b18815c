import Foundation
import QuiverStorage
import QuiverTestSupport
import Testing

/// `LocalStorage.emptyFolders(under:)` and `removeFolderIfEmpty`: the folders a killed write
/// leaves, found and removed without following a symbolic link (issue 16).
@Suite struct LocalEmptyFolderTests {
  @Test func emptyFoldersAreFoundWithTheirTimesAndLinksAreNotFollowed() throws {
    let folder = try TestPaths.temporaryDirectory("storage")
    defer { try? FileManager.default.removeItem(at: folder) }
    let storage = LocalStorage(root: folder.appendingPathComponent("t.quiver").path)
    let files = FileManager.default
    // Outside the root: an empty folder and a file, reached only through links.
    let outside = folder.appendingPathComponent("outside")
    try files.createDirectory(
      at: outside.appendingPathComponent("empty"), withIntermediateDirectories: true)
    try Data([7]).write(to: outside.appendingPathComponent("secret.bin"))
    for path in ["a/b/c", "d", "linked/inside", "piped"] {
      try files.createDirectory(
        atPath: storage.localPath(try StoragePath(path)), withIntermediateDirectories: true)
    }
    #expect(try storage.putIfAbsent(try StoragePath("full/x.bin"), [1]))
    try files.createSymbolicLink(
      atPath: storage.localPath(try StoragePath("linked/inside/link")),
      withDestinationPath: outside.path)
    try files.createSymbolicLink(
      atPath: storage.localPath(try StoragePath("outer")), withDestinationPath: outside.path)
    #expect(mkfifo(storage.localPath(try StoragePath("piped/fifo")), 0o644) == 0)
    let old = Date(timeIntervalSince1970: 1_000_000)
    try files.setAttributes([.modificationDate: old], ofItemAtPath: storage.localPath(try StoragePath("a/b")))

    let found = try storage.emptyFolders(under: .root)
    #expect(found.map(\.path.description).sorted() == ["a", "a/b", "a/b/c", "d"])
    #expect(found.first { $0.path.description == "a/b" }?.lastModified == old)
    #expect(try storage.emptyFolders(under: try StoragePath("a")).map(\.path.description).sorted() == ["a/b", "a/b/c"])
    #expect(try storage.emptyFolders(under: try StoragePath("missing")).isEmpty)

    // A folder holding anything (a file, a folder, a link, a FIFO) stays; a link is not a folder.
    for path in ["a/b", "full", "linked/inside", "piped", "linked/inside/link", "outer"] {
      #expect(try !storage.removeFolderIfEmpty(try StoragePath(path)), "\(path)")
    }
    for path in ["a/b/c", "a/b", "a", "d", "missing"] {
      #expect(try storage.removeFolderIfEmpty(try StoragePath(path)), "\(path)")
    }
    #expect(try storage.emptyFolders(under: .root).isEmpty)
    #expect(!files.fileExists(atPath: storage.localPath(try StoragePath("a"))))
    #expect(try files.contentsOfDirectory(atPath: outside.path).sorted() == ["empty", "secret.bin"])
    #expect(try files.destinationOfSymbolicLink(atPath: storage.localPath(try StoragePath("outer"))) == outside.path)
  }
}
