import Foundation
import QuiverStorage

/// The objects of one table in its storage, and their names.
///
/// The storage is a local folder (`LocalStorage`) or any other `Storage` (an S3 prefix from
/// QuiverObjectStore); everything above this type reaches the table's bytes through it.
/// See Docs/Format.md, "Tables: layout, manifests, deletions".
package struct TableLayout: Sendable {
  /// The table's storage, writing durably (what readers and commits use).
  package let storage: any Storage
  /// The table's root for messages: its folder's path or `s3://bucket/prefix`.
  package let location: String

  /// The layout of the table in the local folder `root`.
  package init(root: URL) {
    self.init(storage: LocalStorage(root: root.standardizedFileURL.path))
  }

  /// The layout of the table whose root is `storage`'s.
  package init(storage: any Storage) {
    self.storage = storage
    location = storage.location
  }

  /// The table's root as a URL: a file URL for a local folder, else the storage's location
  /// (`s3://bucket/prefix`).
  package var root: URL {
    if let local = storage as? LocalStorage { return URL(fileURLWithPath: local.root) }
    return URL(string: location) ?? URL(fileURLWithPath: location)
  }

  /// The local folder of the table, or nil when it is not on the local file system.
  package var localRoot: String? { (storage as? LocalStorage)?.root }

  /// The table's storage, writing durably or not: `synchronous` false lets the local storage
  /// skip its `fsync`s (other storages have no such switch and return themselves).
  package func storage(synchronous: Bool) -> any Storage {
    if let local = storage as? LocalStorage, local.synchronous != synchronous {
      return LocalStorage(root: local.root, synchronous: synchronous)
    }
    return storage
  }

  /// Creates the folder `path` when the storage is a local folder (an object store has no
  /// folders; objects make their own prefixes).
  /// - Throws: `TableError.ioFailure` and the codes of `TableError.translatingStorageErrors`.
  package func createFolder(_ path: StoragePath) throws {
    guard let local = storage as? LocalStorage else { return }
    try TableError.translatingStorageErrors { try local.createFolder(path) }
  }

  /// The full name of an object of the table, for messages: its local path or its URL.
  package func describe(_ path: StoragePath) -> String { storage.describe(path) }

  /// The URL that names an object in decoding errors: a file URL for a local table, else the
  /// object's URL (`s3://bucket/key`).
  func sourceURL(_ path: StoragePath) -> URL {
    let name = describe(path)
    if storage is LocalStorage { return URL(fileURLWithPath: name) }
    return URL(string: name) ?? URL(fileURLWithPath: name)
  }

  /// `_versions/`: one manifest per version.
  static let versionsPath = folder("_versions")
  /// `data/`: immutable data files.
  package static let dataPath = folder("data")
  /// `_deletions/`: deletion vectors.
  static let deletionsPath = folder("_deletions")
  /// `_indices/`: one folder per index.
  static let indicesPath = folder("_indices")

  /// The local `_versions/` folder.
  package var versionsFolder: URL { url(relative: Self.versionsPath.description) }
  /// The local `data/` folder.
  package var dataFolder: URL { url(relative: Self.dataPath.description) }
  /// The local manifest file of `version`.
  package func manifestURL(_ version: UInt64) -> URL {
    url(relative: Self.manifestPath(version).description)
  }

  /// Suffix of manifest files.
  static let manifestSuffix = ".manifest"
  /// Suffix of row-id map files written by compaction.
  static let rowIDMapSuffix = ".rowmap"

  /// The file name of the manifest of `version`: 20 decimal digits, so names sort as numbers.
  static func manifestName(_ version: UInt64) -> String {
    let digits = String(version)
    return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + manifestSuffix
  }

  /// The version named by a manifest file name, or nil for any other name.
  static func version(fromManifestName name: String) -> UInt64? {
    guard name.hasSuffix(manifestSuffix), !name.hasPrefix(".") else { return nil }
    return UInt64(name.dropLast(manifestSuffix.count))
  }

  /// The manifest of `version`.
  static func manifestPath(_ version: UInt64) -> StoragePath {
    versionsPath.appending(folder(manifestName(version)))
  }

  /// The folder of the index with `uuid` (the index module writes its files there).
  /// - Throws: `TableError.invalidArgument` if `uuid` is not a single plain name.
  package static func indexFolder(_ uuid: String) throws -> StoragePath {
    do {
      return indicesPath.appending(try .name(uuid))
    } catch let error as StorageError {
      throw TableError(.invalidArgument, "index uuid '\(uuid)': \(error.message)")
    }
  }

  /// The path of a file named in a manifest (relative to the table folder).
  /// - Throws: `TableError.corruptManifest` if `text` is not a relative path inside the table.
  package static func path(_ text: String, field: String) throws -> StoragePath {
    do {
      return try StoragePath(text)
    } catch let error as StorageError {
      throw TableError(.corruptManifest, "\(field): \(error.message)")
    }
  }

  /// Checks that `text` is a path inside the table without building it.
  /// - Throws: `TableError.corruptManifest` naming `field`.
  static func checkPath(_ text: String, field: @autoclosure () -> String) throws {
    do {
      try StoragePath.validate(text)
    } catch let error as StorageError {
      throw TableError(.corruptManifest, "\(field()): \(error.message)")
    }
  }

  /// An absolute URL for a path relative to the table folder, as stored in manifests (for
  /// messages and for callers outside the storage layer).
  package func url(relative path: String) -> URL { root.appendingPathComponent(path) }

  /// A new relative path `data/<uuid>.<fileExtension>` for a data file.
  package func newDataFilePath(fileExtension: String) -> String {
    "data/\(UUID().uuidString.lowercased()).\(fileExtension)"
  }

  /// A new relative path for the deletion file of `fragmentID` written for `readVersion`.
  func newDeletionFilePath(fragmentID: UInt32, readVersion: UInt64) -> String {
    "_deletions/\(fragmentID)-\(readVersion)-\(UUID().uuidString.lowercased()).del"
  }

  /// Every committed version number found by listing `_versions/` (no manifest is read).
  /// - Complexity: O(number of files in `_versions/`).
  func listVersions() throws -> [UInt64] {
    try versionNames().sorted()
  }

  /// The highest committed version number, from the listing alone, or nil if none.
  func latestVersion() throws -> UInt64? { try versionNames().max() }

  private func versionNames() throws -> [UInt64] {
    try TableError.translatingStorageErrors {
      try storage.names(in: Self.versionsPath).compactMap(Self.version(fromManifestName:))
    }
  }

  private static func folder(_ name: String) -> StoragePath {
    // The names above are constants that are valid single components.
    try! StoragePath.name(name)
  }
}
