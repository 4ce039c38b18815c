import Foundation
import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverTable

/// Builds, writes and opens the vector indexes of a table.
enum IndexLoader {
  /// Opens the index recorded by `entry`.
  /// - Throws: `IndexError` for missing or corrupt files, `.unsupportedIndexType` for an index
  ///   type this build cannot open.
  static func open(_ entry: IndexEntry, dataset: Dataset) throws -> any VectorIndex {
    guard let type = IndexType(rawValue: entry.indexType) else {
      throw IndexError(
        .unsupportedIndexType, "index '\(entry.name)' has unknown type \(entry.indexType)")
    }
    let location = try dataset.indexStorage(uuid: entry.uuid)
    return try VectorIndexFactory.open(
      type, at: IndexFolder(storage: location.storage, path: location.folder))
  }

  /// Reads the live vectors of `column`, builds the index `config` describes, writes its files
  /// and returns the manifest entry to commit.
  static func build(
    on column: String, config: IndexConfig, name: String, dataset: Dataset
  ) throws -> IndexEntry {
    let schema = try dataset.schema()
    guard let field = schema.field(named: column) else {
      throw IndexError(
        .unknownColumn,
        "createIndex: unknown column '\(column)' (columns: \(schema.names.joined(separator: ", ")))")
    }
    guard let dimension = field.type.vectorDimension else {
      throw IndexError(
        .unsupportedColumnType,
        "createIndex: column '\(column)' is \(field.type), not a vector column")
    }
    var vectors: [Float] = []
    var rowIds: [UInt64] = []
    let fragmentIds = dataset.fragmentIDs
    try dataset.scan(columns: [column]) { part in
      let vectorColumn = part.batch.columns[0]
      vectorColumn.withFloatVectors { flat in
        for row in 0..<part.batch.rowCount where !vectorColumn.isNull(row) {
          vectors.append(contentsOf: flat[(row * dimension)..<((row + 1) * dimension)])
          rowIds.append(part.rowIDs[row])
        }
      }
    }
    let entry = IndexEntry(
      name: name, column: column, indexType: config.type.rawValue, metric: config.metric.rawValue,
      fragmentIDs: fragmentIds, parameters: config.recordedParameters)
    let location = try dataset.indexStorage(uuid: entry.uuid)
    let folder = IndexFolder(storage: location.storage, path: location.folder)
    do {
      try write(
        vectors: vectors, rowIds: rowIds, dimension: dimension, config: config, to: folder)
    } catch {
      // A failed build (bad parameters, a full disk) leaves none of its files behind.
      try? dataset.discardIndexFiles(uuid: entry.uuid)
      throw error
    }
    return entry
  }

  /// Builds the index `config` describes over `vectors` and writes its files into `folder`.
  private static func write(
    vectors: [Float], rowIds: [UInt64], dimension: Int, config: IndexConfig, to folder: IndexFolder
  ) throws {
    let graph = HNSWParameters(
      m: config.m ?? HNSWParameters.defaultM,
      efConstruction: config.efConstruction ?? HNSWParameters.defaultEfConstruction,
      seed: config.seed)
    try VectorIndexFactory.build(
      vectors: vectors, rowIds: rowIds, dimension: dimension, parameters: config.ivfParameters,
      graph: graph
    ).write(to: folder)
  }
}

extension Table {
  /// Builds a vector index on `column` over every current row and records it as a new version.
  /// Rows added later are searched exactly until the index is rebuilt.
  ///
  /// - Parameters:
  ///   - column: The vector column to index.
  ///   - config: The index type and its parameters, e.g. `.ivfPQ(metric: .cosine)`.
  ///   - name: The index's name (default `<column>_idx`); an index of the same name is
  ///     replaced.
  /// - Throws: `IndexError`: `.unknownColumn`, `.unsupportedColumnType` (not a vector column),
  ///   parameters that do not fit the data (checked before training), files that cannot be
  ///   written; `TableError` when the table cannot be read or the commit fails.
  public func createIndex(on column: String, _ config: IndexConfig, name: String? = nil) throws {
    // Build on a copy of the current version so that searches are not blocked meanwhile.
    let base = withDataset { $0 }
    let entry = try IndexLoader.build(
      on: column, config: config, name: name ?? "\(column)_idx", dataset: base)
    do {
      try withDataset { try $0.commitIndex(entry) }
    } catch {
      // Not committed: no version will ever refer to the files just written.
      try? base.discardIndexFiles(uuid: entry.uuid)
      throw error
    }
  }

  /// Removes the index named `name` as a new version (its files stay for older versions until
  /// `cleanup`). Works on a damaged index too: nothing of it is opened.
  /// - Throws: `TableError.notFound` for an unknown name.
  public func dropIndex(named name: String) throws {
    try withDataset { try $0.dropIndex(named: name) }
  }
}
