import Foundation
import QuiverFormat
import QuiverStorage

/// A versioned table in a folder: one snapshot (a version) of it, and the operations that
/// commit new versions.
///
/// A `Dataset` value is a snapshot: reads see exactly its version. Writing methods are
/// `mutating`; each commits one new version (retrying over compatible concurrent commits) and
/// moves this value to it. A dataset from `checkout(version:)` is read-only.
///
/// Layout and commit protocol: Docs/Format.md, "Tables: layout, manifests, deletions".
public struct Dataset: Sendable {
  /// The folders and file names of the table.
  package let layout: TableLayout
  /// The manifest of this snapshot.
  public internal(set) var manifest: Manifest
  /// Whether writes are refused (a time-travel view).
  public internal(set) var isReadOnly: Bool
  /// Tuning of writes.
  public var options: DatasetOptions
  /// Open data-file readers, shared by copies of this value.
  let readers: DataFileReaderCache

  /// A snapshot over an already read manifest (the public entry points are `open` / `create`).
  package init(
    layout: TableLayout, manifest: Manifest, isReadOnly: Bool, options: DatasetOptions,
    readers: DataFileReaderCache = DataFileReaderCache()
  ) {
    self.layout = layout
    self.manifest = manifest
    self.isReadOnly = isReadOnly
    self.options = options
    self.readers = readers
  }

  /// The table folder (a file URL), or for a table in an object store its URL
  /// (`s3://bucket/prefix`).
  public var url: URL { layout.root }
  /// The table's root for messages: its folder's path or `s3://bucket/prefix`.
  public var location: String { layout.location }
  /// The storage holding the table's objects.
  public var storage: any Storage { layout.storage }
  /// The version of this snapshot.
  public var version: UInt64 { manifest.version }
  /// The fragments of this snapshot, in row order.
  public var fragments: [FragmentMetadata] { manifest.fragments }
  /// The fragment ids of this snapshot, in row order.
  public var fragmentIDs: [UInt32] { manifest.fragments.map(\.id) }
  /// The number of rows that are not deleted.
  public var liveRowCount: Int { manifest.liveRowCount }
  /// The tags (name to version) as of this snapshot.
  public var tags: [String: UInt64] { manifest.tags }
  /// The index entries of this snapshot.
  public var indices: [IndexEntry] { manifest.indices }

  /// Opens the latest version of the table in the local folder `url`.
  ///
  /// Only the latest manifest is read: the version is found by listing `_versions/`.
  /// - Throws: `TableError.notFound` if there is no table, `.corruptManifest` /
  ///   `.unsupportedFeature` if the latest manifest cannot be read.
  /// - Complexity: O(number of versions) for the listing, plus one manifest read.
  public static func open(at url: URL, options: DatasetOptions = DatasetOptions()) throws
    -> Dataset
  {
    try open(layout: TableLayout(root: url), options: options)
  }

  /// Opens the latest version of the table whose root is `storage` (a local folder or an
  /// object-store prefix such as QuiverObjectStore's `S3Storage`), as `open(at:)` does.
  /// - Throws: `TableError.notFound` if there is no table, `.corruptManifest`,
  ///   `.unsupportedFeature`, or the storage's failure as `.ioFailure`.
  public static func open(in storage: any Storage, options: DatasetOptions = DatasetOptions())
    throws -> Dataset
  {
    try open(layout: TableLayout(storage: storage), options: options)
  }

  static func open(layout: TableLayout, options: DatasetOptions) throws -> Dataset {
    guard let latest = try layout.latestVersion() else {
      throw TableError(.notFound, "no table in '\(layout.location)' (no manifest in _versions/)")
    }
    return Dataset(
      layout: layout, manifest: try layout.readManifest(latest), isReadOnly: false,
      options: options)
  }

  /// Opens `version` of the table in the local folder `url`, read-only (time travel).
  /// - Throws: `TableError.notFound` if that version does not exist, `.corruptManifest` if it
  ///   cannot be read.
  public static func open(
    at url: URL, version: UInt64, options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try open(in: TableLayout(root: url).storage, version: version, options: options)
  }

  /// Opens `version` of the table whose root is `storage`, read-only (time travel).
  /// - Throws: `TableError.notFound` if that version does not exist, `.corruptManifest` if it
  ///   cannot be read.
  public static func open(
    in storage: any Storage, version: UInt64, options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    let layout = TableLayout(storage: storage)
    return Dataset(
      layout: layout, manifest: try layout.readManifest(version), isReadOnly: true,
      options: options)
  }

  /// Whether a table exists in the local folder `url` (some manifest is in `_versions/`).
  public static func exists(at url: URL) -> Bool {
    exists(in: TableLayout(root: url).storage)
  }

  /// Whether a table exists in `storage` (some manifest is in `_versions/`); false also when
  /// the storage cannot be listed.
  public static func exists(in storage: any Storage) -> Bool {
    ((try? TableLayout(storage: storage).latestVersion()) ?? nil) != nil
  }

  /// A read-only view of `version` of this table.
  /// - Throws: `TableError.notFound`, `.corruptManifest`.
  public func checkout(version: UInt64) throws -> Dataset {
    Dataset(
      layout: layout, manifest: try layout.readManifest(version), isReadOnly: true,
      options: options, readers: readers)
  }

  /// A read-only view of the version tagged `tag` (as of this snapshot's tags).
  /// - Throws: `TableError.notFound` for an unknown tag.
  public func checkout(tag: String) throws -> Dataset {
    guard let version = manifest.tags[tag] else {
      throw TableError(.notFound, "table '\(location)' has no tag '\(tag)'")
    }
    return try checkout(version: version)
  }

  /// The latest version of this table, writable.
  public func latest() throws -> Dataset {
    try Dataset.open(layout: layout, options: options)
  }

  /// Moves this value to the latest committed version (a no-op if it is the latest).
  public mutating func refresh() throws {
    guard let latest = try layout.latestVersion(), latest != manifest.version else { return }
    manifest = try layout.readManifest(latest)
  }

  /// The highest committed version number (from the folder listing, no manifest read).
  public func latestVersionNumber() throws -> UInt64 {
    try layout.latestVersion() ?? manifest.version
  }

  /// Every version of the table: number, time, operation and live row count.
  ///
  /// Reads every manifest; a version whose manifest cannot be read is listed with `error` set.
  /// - Complexity: O(number of versions × manifest size).
  public func versions() throws -> [VersionInfo] {
    try layout.listVersions().map { version in
      do {
        let manifest = try layout.readManifest(version)
        return VersionInfo(
          version: version, timestamp: manifest.timestamp, operation: manifest.operation.kind,
          liveRowCount: manifest.liveRowCount, error: nil)
      } catch let error as TableError {
        return VersionInfo(
          version: version, timestamp: nil, operation: nil, liveRowCount: nil, error: error)
      }
    }
  }

  /// The deletion vector of fragment `fragmentID` in this snapshot (empty if it has none).
  /// - Throws: `TableError.notFound` for an unknown fragment, `.corruptDeletionFile`.
  public func deletionVector(fragmentID: UInt32) throws -> DeletionVector {
    guard let fragment = manifest.fragment(fragmentID) else {
      throw TableError(
        .notFound, "table '\(location)' version \(version) has no fragment \(fragmentID)")
    }
    return try readers.deletionVector(of: fragment, layout: layout)
  }

  /// The folder where the index module writes the files of the index with `uuid`
  /// (`_indices/<uuid>/`); created if missing.
  /// - Throws: `TableError.invalidArgument` if `uuid` is not one plain name (no separator, not
  ///   `..`), so nothing is created outside the table.
  public func indexFolder(uuid: String) throws -> URL {
    let path = try TableLayout.indexFolder(uuid)
    // Created one component at a time without following links (local tables only).
    try layout.createFolder(path)
    return layout.url(relative: path.description)
  }

  /// The table's storage (its folder) and the folder of the index with `uuid` in it, for the
  /// index module.
  /// - Throws: `TableError.invalidArgument` if `uuid` is not one plain name.
  package func indexStorage(uuid: String) throws -> (storage: any Storage, folder: StoragePath) {
    (layout.storage(synchronous: options.synchronousCommits), try TableLayout.indexFolder(uuid))
  }

  /// Removes every file of the index with `uuid` and its folder: the files of a build that
  /// failed or was never committed, which no version refers to.
  /// - Throws: `TableError.invalidArgument` if `uuid` is not one plain name, `.ioFailure`.
  package func discardIndexFiles(uuid: String) throws {
    let folder = try TableLayout.indexFolder(uuid)
    let storage = layout.storage
    try TableError.translatingStorageErrors {
      for entry in try storage.list(folder) { try storage.delete(entry.path) }
      try storage.removeFolderIfEmpty(folder)
    }
  }

  func requireWritable(_ action: String) throws {
    guard !isReadOnly else {
      throw TableError(
        .readOnly,
        "cannot \(action): '\(location)' is open read-only at version \(version); use restore or open the latest"
      )
    }
  }
}

/// One line of `Dataset.versions()`.
public struct VersionInfo: Sendable, Hashable {
  /// The version number.
  public var version: UInt64
  /// When it was committed (nil if its manifest cannot be read).
  public var timestamp: Date?
  /// The operation that made it (nil if its manifest cannot be read).
  public var operation: CommitOperation.Kind?
  /// Rows not deleted (nil if its manifest cannot be read).
  public var liveRowCount: Int?
  /// Why the manifest cannot be read, if it cannot.
  public var error: TableError?
}

/// Tuning of a dataset's writes.
public struct DatasetOptions: Sendable, Hashable {
  /// Appends are split into fragments of at most this many rows.
  public var maxRowsPerFragment: Int
  /// How many times a commit that lost a race is rebased and retried before giving up.
  public var maxCommitRetries: Int

  /// How data files are written (page size, compression).
  public var dataFileOptions: DataFileWriterOptions
  /// Whether every commit `fsync`s its files and folders before it returns (default). Without,
  /// commits stay atomic and exclusive and survive a crash of the process, but a power loss
  /// may lose the latest ones (never leaving a torn version).
  public var synchronousCommits: Bool

  /// Creates options.
  public init(
    maxRowsPerFragment: Int = 1_048_576, maxCommitRetries: Int = 100,
    dataFileOptions: DataFileWriterOptions = DataFileWriterOptions(),
    synchronousCommits: Bool = true
  ) {
    self.maxRowsPerFragment = maxRowsPerFragment
    self.maxCommitRetries = maxCommitRetries
    self.dataFileOptions = dataFileOptions
    self.synchronousCommits = synchronousCommits
  }
}

extension TableLayout {
  /// Reads and checks the manifest of `version`.
  /// - Throws: `TableError.notFound`, `.corruptManifest`, `.unsupportedFeature`, `.ioFailure`.
  func readManifest(_ version: UInt64) throws -> Manifest {
    let path = Self.manifestPath(version)
    let bytes: [UInt8]
    do {
      bytes = try storage.read(path)
    } catch let error as StorageError where error.code == .notFound {
      throw TableError(.notFound, "table '\(location)' has no version \(version)")
    } catch let error as StorageError {
      throw TableError(error)
    }
    let source = sourceURL(path)
    let manifest = try ManifestCodec.decode(bytes, source: source)
    try manifest.validate(source: source)
    guard manifest.version == version else {
      throw TableError(
        .corruptManifest, "manifest '\(source.objectName)' claims version \(manifest.version)")
    }
    return manifest
  }

  /// Reads the deletion vector of `fragment` (empty if it has no deletion file).
  func readDeletionVector(of fragment: FragmentMetadata) throws -> DeletionVector {
    guard let record = fragment.deletionFile else { return DeletionVector() }
    let path = try Self.path(record.path, field: "fragment \(fragment.id) deletion file path")
    let location = describe(path)
    let bytes: [UInt8]
    do {
      bytes = try storage.read(path)
    } catch let error as StorageError where error.code == .notFound {
      throw TableError(
        .corruptDeletionFile, "deletion file '\(location)' of fragment \(fragment.id) is missing",
        underlying: error)
    } catch let error as StorageError {
      throw TableError(.corruptDeletionFile, error.message, underlying: error)
    }
    let vector = try DeletionFileCodec.decode(
      bytes, fragment: fragment, source: sourceURL(path))
    guard vector.count == record.deletedRowCount else {
      throw TableError(
        .corruptDeletionFile,
        "deletion file '\(location)' holds \(vector.count) rows, the manifest says \(record.deletedRowCount)"
      )
    }
    return vector
  }
}
