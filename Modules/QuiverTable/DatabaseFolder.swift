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

/// A database: a folder whose sub-folders `<name>.quiver` are tables.
///
/// The user-facing `Database` in module Quiver wraps this. See Docs/Format.md, "Tables: layout,
/// manifests, deletions".
public struct DatabaseFolder: Sendable, Hashable {
  /// The database folder.
  public let url: URL
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
    return DatabaseFolder(url: url.standardizedFileURL)
  }

  private init(url: URL) { self.url = url }

  /// The names of the tables, sorted.
  public func tableNames() throws -> [String] {
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

  /// The folder of the table `name` (which may not exist).
  /// - Throws: `TableError.invalidArgument` for a name that is empty, too long, starts with a
  ///   dot or holds characters other than letters, digits, `_`, `-` and `.`.
  public func tableURL(_ name: String) throws -> URL {
    try Self.validate(name)
    return folder(of: name)
  }

  /// Creates the table `name` with `schema` (see `CreateMode`).
  public func createTable(
    _ name: String, schema: Schema, mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try Dataset.create(at: tableURL(name), schema: schema, mode: mode, options: options)
  }

  /// Creates the table `name` with `schema` and the rows of `batches` (see `CreateMode`).
  public func createTable(
    _ name: String, schema: Schema, batches: [RecordBatch], mode: CreateMode = .create,
    options: DatasetOptions = DatasetOptions()
  ) throws -> Dataset {
    try Dataset.create(
      at: tableURL(name), schema: schema, batches: batches, mode: mode, options: options)
  }

  /// Opens the latest version of the table `name`.
  /// - Throws: `TableError.notFound` naming the table.
  public func openTable(_ name: String, options: DatasetOptions = DatasetOptions()) throws
    -> Dataset
  {
    let folder = try tableURL(name)
    guard Dataset.exists(at: folder) else {
      throw TableError(.notFound, "database '\(url.path)' has no table '\(name)'")
    }
    return try Dataset.open(at: folder, options: options)
  }

  /// Renames a table (`rename(2)` of its folder; readers that hold it open keep reading).
  /// - Throws: `TableError.notFound` / `.alreadyExists` naming the tables.
  public func renameTable(_ name: String, to newName: String) throws {
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
  /// - Throws: `TableError.notFound` naming the table.
  public func dropTable(_ name: String) throws {
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
