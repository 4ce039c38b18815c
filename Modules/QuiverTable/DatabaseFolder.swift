#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation
import QuiverFormat
import QuiverStorage

/// A database: a folder (or an object-store prefix) whose sub-folders `<name>.quiver` are
/// tables.
///
/// The user-facing `Database` in module Quiver wraps this. See Docs/Format.md, "Tables: layout,
/// manifests, deletions".
public struct DatabaseFolder: Sendable {
  /// The database folder (a file URL), or for a database in an object store its URL
  /// (`s3://bucket/prefix`).
  public let url: URL
  /// The storage at the database's root; each table's is `storage.scoped(to: "<name>.quiver")`.
  public let storage: any Storage
  /// The suffix of table folders.
  public static let tableSuffix = ".quiver"

  /// Opens the database in `url`, creating the folder if `createIfMissing`.
  /// - Throws: `TableError.notFound` if it is missing and may not be created.
  public static func open(at url: URL, createIfMissing: Bool = true) throws -> DatabaseFolder {
    var isFolder: ObjCBool = false
    if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
      guard createIfMissing else {
        throw TableError(.notFound, "no database folder at '\(url.path)'")
      }
      do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      } catch {
        throw TableError(
          .ioFailure, "cannot create folder '\(url.path)': \(systemErrorReason(error))",
          underlying: error)
      }
    } else if !isFolder.boolValue {
      throw TableError(.invalidArgument, "'\(url.path)' is a file, not a database folder")
    }
    let folder = url.standardizedFileURL
    return DatabaseFolder(url: folder, storage: LocalStorage(root: folder.path))
  }

  /// The database whose root is `storage` (an object-store prefix, or a local folder that
  /// exists). Nothing is read or created until tables are.
  public static func open(in storage: any Storage) -> DatabaseFolder {
    if let local = storage as? LocalStorage {
      return DatabaseFolder(url: URL(fileURLWithPath: local.root), storage: local)
    }
    let location = storage.location
    return DatabaseFolder(
      url: URL(string: location) ?? URL(fileURLWithPath: location), storage: storage)
  }

  private init(url: URL, storage: any Storage) {
    self.url = url
    self.storage = storage
  }

  /// The database's root for messages: its folder's path or `s3://bucket/prefix`.
  public var location: String { storage.location }

  /// Whether the database is a local folder (renames and drops are then `rename(2)`s).
  private var isLocal: Bool { storage is LocalStorage }

  /// The names of the tables, sorted.
  public func tableNames() throws -> [String] {
    guard isLocal else { return try remoteTableNames() }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: url.path)
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
      return []
    } catch {
      throw TableError(.ioFailure, "cannot list database folder '\(url.path)': \(error)")
    }
    return names.filter { $0.hasSuffix(Self.tableSuffix) && !$0.hasPrefix(".") }
      .map { String($0.dropLast(Self.tableSuffix.count)) }
      .filter { Dataset.exists(at: folder(of: $0)) }
      .sorted()
  }

  /// The tables of a database in an object store: folders `<name>.quiver/` (one listing with a
  /// delimiter, which does not list the tables' own objects) holding a manifest in
  /// `_versions/` (one listing of that folder per table).
  private func remoteTableNames() throws -> [String] {
    try TableError.translatingStorageErrors {
      try storage.folderNames(in: .root).filter { folder in
        guard folder.hasSuffix(Self.tableSuffix), !folder.hasPrefix(".") else { return false }
        let table = TableLayout(storage: storage.scoped(to: try StoragePath.name(folder)))
        return try table.latestVersion() != nil
      }
      .map { String($0.dropLast(Self.tableSuffix.count)) }
      .sorted()
    }
  }

  /// The storage of the table `name` (which may not exist).
  /// - Throws: `TableError.invalidArgument` for a bad name (see `tableURL`).
  public func tableStorage(_ name: String) throws -> any Storage {
    try Self.validate(name)
    return storage.scoped(to: try StoragePath.name(name + Self.tableSuffix))
  }

  /// The folder of the table `name` (which may not exist).
  /// - Throws: `TableError.invalidArgument` for a name that is empty, too long, starts with a
  ///   dot or holds characters other than letters, digits, `_`, `-` and `.`.
  public func tableURL(_ name: String) throws -> URL {
    try Self.validate(name)
    guard isLocal else {
      let location = "\(storage.location)/\(name)\(Self.tableSuffix)"
      return URL(string: location) ?? URL(fileURLWithPath: location)
    }
    return folder(of: name)
  }

  /// Creates the table `name` with `schema` (see `CreateMode`).
  public func createTable(
    _ name: String, schema: Schema, mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try Dataset.create(in: tableStorage(name), schema: schema, mode: mode, options: options)
  }

  /// Creates the table `name` with `schema` and the rows of `batches` (see `CreateMode`).
  public func createTable(
    _ name: String, schema: Schema, batches: [RecordBatch], mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try Dataset.create(
      in: tableStorage(name), schema: schema, batches: batches, mode: mode, options: options)
  }

  /// Opens the latest version of the table `name`.
  /// - Throws: `TableError.notFound` naming the table.
  public func openTable(_ name: String, options: DatasetOptions = DatasetOptions()) throws
    -> Dataset
  {
    let table = try tableStorage(name)
    guard isLocal else {
      // One listing, whose failure (keys, bucket, network) is reported as it is.
      do {
        return try Dataset.open(in: table, options: options)
      } catch let error as TableError where error.code == .notFound && error.underlying == nil {
        throw TableError(.notFound, "database '\(location)' has no table '\(name)'")
      }
    }
    guard Dataset.exists(in: table) else {
      throw TableError(.notFound, "database '\(location)' has no table '\(name)'")
    }
    return try Dataset.open(in: table, options: options)
  }

  /// Renames a table (`rename(2)` of its folder; readers that hold it open keep reading).
  /// - Throws: `TableError.notFound` / `.alreadyExists` naming the tables,
  ///   `.invalidArgument` in an object store, which has no atomic rename.
  public func renameTable(_ name: String, to newName: String) throws {
    guard isLocal else {
      throw TableError(
        .invalidArgument,
        "cannot rename table '\(name)' of '\(location)': an object store has no atomic rename")
    }
    let source = try tableURL(name)
    let destination = try tableURL(newName)
    guard Dataset.exists(at: source) else {
      throw TableError(.notFound, "database '\(url.path)' has no table '\(name)'")
    }
    guard !FileManager.default.fileExists(atPath: destination.path) else {
      throw TableError(.alreadyExists, "database '\(url.path)' already has a table '\(newName)'")
    }
    guard rename(source.path, destination.path) == 0 else {
      throw TableError(
        .ioFailure,
        "rename '\(source.path)' to '\(destination.path)' failed: \(String(cString: strerror(errno)))")
    }
    try synchronize()
  }

  /// Drops a table: its folder disappears at once (renamed to a hidden name), then is removed.
  /// In an object store its manifests are deleted first (the table is gone once they are),
  /// then its other objects.
  /// - Throws: `TableError.notFound` naming the table.
  public func dropTable(_ name: String) throws {
    guard isLocal else { return try dropRemoteTable(name) }
    let source = try tableURL(name)
    guard FileManager.default.fileExists(atPath: source.path) else {
      throw TableError(.notFound, "database '\(url.path)' has no table '\(name)'")
    }
    let hidden = url.appendingPathComponent(".dropped-\(UUID().uuidString.lowercased())")
    guard rename(source.path, hidden.path) == 0 else {
      throw TableError(
        .ioFailure, "rename '\(source.path)' failed: \(String(cString: strerror(errno)))")
    }
    try synchronize()
    do {
      try FileManager.default.removeItem(at: hidden)
    } catch {
      throw TableError(
        .ioFailure,
        "cannot remove dropped table folder '\(hidden.path)': \(systemErrorReason(error))",
        underlying: error)
    }
  }

  private func dropRemoteTable(_ name: String) throws {
    let table = try tableStorage(name)
    try TableError.translatingStorageErrors {
      let entries = try table.list(.root)
      guard !entries.isEmpty else {
        throw TableError(.notFound, "database '\(location)' has no table '\(name)'")
      }
      let versions = TableLayout.versionsPath
      for entry in entries where entry.path.hasPrefix(versions) { try table.delete(entry.path) }
      for entry in entries where !entry.path.hasPrefix(versions) { try table.delete(entry.path) }
    }
  }

  /// Makes renames in the database folder durable (`fsync` of the folder).
  private func synchronize() throws {
    try TableError.translatingStorageErrors {
      try LocalStorage(root: url.path).synchronizeFolder(.root)
    }
  }

  private func folder(of name: String) -> URL {
    url.appendingPathComponent(name + Self.tableSuffix, isDirectory: true)
  }

  static func validate(_ name: String) throws {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
    guard !name.isEmpty, name.count <= 200, !name.hasPrefix("."), name.allSatisfy(allowed.contains)
    else {
      throw TableError(
        .invalidArgument,
        "table name '\(name)' must be 1-200 letters, digits, '_', '-' or '.', not starting with '.'")
    }
  }
}
