import Foundation
import QuiverObjectStore
import QuiverStorage
import QuiverTestSupport
import Testing

/// The storages the contract tests run against: always the local one, and S3 without and with
/// a cache when the test server is there.
enum StorageBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case local
  case s3
  case s3Cached

  /// The local one, plus the S3 ones when `S3TestServer.isEnabled`.
  static var available: [StorageBackend] {
    S3TestServer.isEnabled ? allCases : [.local]
  }

  var testDescription: String { rawValue }

  /// A new, empty storage and a function that removes what it made.
  func make(options: S3StorageOptions = S3StorageOptions()) throws -> (any Storage, cleanUp: () -> Void) {
    let folder = try TestPaths.temporaryDirectory("objectstore")
    let removeFolder = { _ = try? FileManager.default.removeItem(at: folder) }
    switch self {
    case .local:
      return (LocalStorage(root: folder.appendingPathComponent("t.quiver").path), removeFolder)
    case .s3, .s3Cached:
      var options = options
      if self == .s3Cached { options.cacheDirectory = folder.appendingPathComponent("cache").path }
      let storage = try S3Storage(
        client: S3TestServer.client(), prefix: S3TestServer.uniquePrefix(rawValue) + "t.quiver",
        options: options)
      return (storage, removeFolder)
    }
  }

  /// Makes the empty folder `path` and the folders above it, as `mkdir -p` does: local folders,
  /// or folder markers (empty objects whose keys end in `/`, as S3 consoles write them).
  func makeEmptyFolder(_ path: StoragePath, in storage: any Storage) async throws {
    switch storage {
    case let local as LocalStorage:
      try FileManager.default.createDirectory(
        atPath: local.localPath(path), withIntermediateDirectories: true)
    case let remote as S3Storage:
      for depth in 1...path.components.count {
        let folder = path.components.prefix(depth).joined(separator: "/")
        try await remote.client.put("\(remote.prefix)/\(folder)/", [])
      }
    default:
      Issue.record("no way to make an empty folder in \(storage.location)")
    }
  }
}
