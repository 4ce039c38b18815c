import Foundation

/// The folders and file names of one table on disk.
///
/// See Docs/Format.md, "Tables: layout, manifests, deletions".
package struct TableLayout: Sendable, Hashable {
  /// The table folder.
  package let root: URL

  /// Creates the layout of the table in `root`.
  package init(root: URL) { self.root = root.standardizedFileURL }

  /// `_versions/`: one manifest per version.
  package var versionsFolder: URL { root.appendingPathComponent("_versions", isDirectory: true) }
  /// `data/`: immutable data files.
  package var dataFolder: URL { root.appendingPathComponent("data", isDirectory: true) }
  /// `_deletions/`: deletion vectors.
  package var deletionsFolder: URL {
    root.appendingPathComponent("_deletions", isDirectory: true)
  }
  /// `_indices/`: one folder per index.
  package var indicesFolder: URL { root.appendingPathComponent("_indices", isDirectory: true) }

  /// Suffix of manifest files.
  static let manifestSuffix = ".manifest"
  /// Suffix of row-id map files written by compaction.
  static let rowIDMapSuffix = ".rowmap"
  /// Prefix of manifests being written (never a version).
  static let temporaryPrefix = ".tmp-"

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

  /// The manifest file of `version`.
  package func manifestURL(_ version: UInt64) -> URL {
    versionsFolder.appendingPathComponent(Self.manifestName(version))
  }

  /// The row-id map written by the compaction that committed `version`.
  package func rowIDMapURL(_ version: UInt64) -> URL {
    let name = Self.manifestName(version).dropLast(Self.manifestSuffix.count)
    return versionsFolder.appendingPathComponent(name + Self.rowIDMapSuffix)
  }

  /// The folder of the index with `uuid` (the index module writes its files there).
  package func indexFolder(_ uuid: String) -> URL {
    indicesFolder.appendingPathComponent(uuid, isDirectory: true)
  }

  /// An absolute URL for a path relative to the table folder, as stored in manifests.
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
    try DurableFile.names(in: versionsFolder).compactMap(Self.version(fromManifestName:)).sorted()
  }

  /// The highest committed version number, from the folder listing alone, or nil if none.
  func latestVersion() throws -> UInt64? {
    try DurableFile.names(in: versionsFolder).lazy.compactMap(Self.version(fromManifestName:))
      .max()
  }
}
