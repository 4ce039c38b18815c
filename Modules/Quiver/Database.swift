import Foundation
import QuiverFormat
import QuiverStorage
import QuiverTable

/// A database: a folder of tables. The entry point of Quiver.
///
/// ```swift
/// let db = try Database(path: "/tmp/quiver")
/// let table = try db.createTable("my_vectors", data: batch)
/// ```
public struct Database: Sendable {
  /// The folder of tables.
  let folder: DatabaseFolder
  /// What index builds and the partition caches of opened indexes may use, for every table
  /// opened through this database (default 1 GiB; see `MemoryBudget`).
  public var memoryBudget: MemoryBudget

  /// Opens the database in `path`, creating the folder if it is missing.
  /// - Parameters:
  ///   - path: The database folder.
  ///   - memoryBudget: Bounds index builds and opened indexes' partition caches.
  /// - Throws: `TableError` if `path` is a file or cannot be created.
  public init(path: String, memoryBudget: MemoryBudget = .default) throws {
    folder = try DatabaseFolder.open(at: URL(fileURLWithPath: path))
    self.memoryBudget = memoryBudget
  }

  /// Opens the database in `url`, creating the folder if it is missing.
  /// - Parameters:
  ///   - url: The database folder (a file URL).
  ///   - memoryBudget: Bounds index builds and opened indexes' partition caches.
  /// - Throws: `TableError` if `url` is a file or cannot be created.
  public init(url: URL, memoryBudget: MemoryBudget = .default) throws {
    folder = try DatabaseFolder.open(at: url)
    self.memoryBudget = memoryBudget
  }

  /// Opens the database whose root is `storage`: a local folder, or an object-store prefix
  /// (QuiverObjectStore's `S3Storage`; module QuiverS3's `Database(uri:)` builds one from an
  /// `s3://bucket/prefix` URI). Nothing is read until a table is.
  /// - Parameters:
  ///   - storage: The database's root.
  ///   - memoryBudget: Bounds index builds and opened indexes' partition caches.
  public init(storage: any Storage, memoryBudget: MemoryBudget = .default) {
    folder = DatabaseFolder.open(in: storage)
    self.memoryBudget = memoryBudget
  }

  /// How stale the tables opened from here may read: nil (the default) reads the version a
  /// table last committed or checked out until `checkoutLatest()`; an interval makes a read
  /// first look for a newer version (one listing of the table's versions) when the last look
  /// is older than it, so `.zero` sees every commit of other writers at the cost of one listing
  /// per read. LanceDB's `read_consistency_interval`.
  public var readConsistencyInterval: Duration?

  /// The database folder's URL (`s3://bucket/prefix` for one in an object store).
  public var url: URL { folder.url }

  /// The names of the tables, sorted.
  public func tableNames() throws -> [String] { try folder.tableNames() }

  /// Creates the table `name` holding the rows of `data` (its schema becomes the table's).
  /// - Parameters:
  ///   - name: The table's name in the database (its folder is `name.quiver`).
  ///   - data: The first rows.
  ///   - mode: `.create` fails if the table exists, `.overwrite` replaces its data and schema
  ///     as a new version, `.existOk` opens it (the schema must match).
  /// - Throws: `TableError` (`.alreadyExists`, `.schemaMismatch`, `.invalidArgument` for a bad
  ///   name).
  public func createTable(_ name: String, data: RecordBatch, mode: CreateMode = .create) throws
    -> Table
  {
    try createTable(name, data: [data], schema: data.schema, mode: mode)
  }

  /// Creates the table `name` from several batches of the same schema.
  public func createTable(
    _ name: String, data: [RecordBatch], schema: Schema? = nil, mode: CreateMode = .create
  ) throws -> Table {
    guard let schema = schema ?? data.first?.schema else {
      throw TableError(.invalidArgument, "createTable '\(name)': no data and no schema")
    }
    let dataset = try Dataset.create(
      in: try folder.tableStorage(name), schema: schema, batches: data, mode: mode)
    return Table(
      name: name, dataset: dataset, readConsistencyInterval: readConsistencyInterval,
      memoryBudget: memoryBudget)
  }

  /// Creates an empty table `name` with `schema`.
  public func createTable(_ name: String, schema: Schema, mode: CreateMode = .create) throws
    -> Table
  {
    Table(
      name: name, dataset: try folder.createTable(name, schema: schema, mode: mode),
      readConsistencyInterval: readConsistencyInterval, memoryBudget: memoryBudget)
  }

  /// Opens the latest version of the table `name`.
  /// - Throws: `TableError.notFound` naming the table.
  public func openTable(_ name: String) throws -> Table {
    Table(
      name: name, dataset: try folder.openTable(name),
      readConsistencyInterval: readConsistencyInterval, memoryBudget: memoryBudget)
  }

  /// Renames a table.
  public func renameTable(_ name: String, to newName: String) throws {
    try folder.renameTable(name, to: newName)
  }

  /// Deletes a table and its files.
  public func dropTable(_ name: String) throws { try folder.dropTable(name) }
}
