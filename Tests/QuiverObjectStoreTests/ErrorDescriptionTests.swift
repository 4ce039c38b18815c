import Foundation
import QuiverObjectStore
import QuiverStorage
import QuiverTestSupport
import Testing

/// The storage layers' errors read the same through `"\(error)"` and `localizedDescription`
/// (issue #15), and a system failure is named in words, not as an `NSError` dump.
@Suite struct ErrorDescriptionTests {
  @Test func objectStoreErrorsAreLocalized() throws {
    let error = try #require(throws: ObjectStoreError.self) {
      _ = try S3Configuration(
        endpoint: "ftp://example.com", credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
    }
    #expect(error.localizedDescription == "\(error)")
    #expect(error.localizedDescription.contains("'ftp://example.com' is not an http(s) URL"))
  }

  @Test func storageErrorsAreLocalizedAndHaveNoNSErrorDump() throws {
    let folder = try TestPaths.temporaryDirectory("quiver-storage-errors")
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("plain-file")
    try Data("x".utf8).write(to: file)
    let storage = LocalStorage(root: file.appendingPathComponent("db").path)
    let error = try #require(throws: StorageError.self) {
      _ = try storage.createObject(try StoragePath("a/b.bin"))
    }
    #expect(error.localizedDescription == "\(error)")
    #expect(!error.localizedDescription.contains("could not be completed"))
    #expect(!"\(error)".contains("Error Domain"), "\(error)")
    #expect("\(error)".contains("plain-file"), "\(error)")
    #expect("\(error)".hasSuffix("Not a directory"), "\(error)")
  }
}
