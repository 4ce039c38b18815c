import Foundation
import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverQuery
import QuiverTable

/// Builds, writes and opens the vector indexes of a table.
enum IndexLoader {
  /// Opens the index recorded by `entry`. Each partition's row ids are checked, when it is
  /// read, against the fragments `dataset`'s version gives the index (Docs/Format.md,
  /// "Validation on read").
  /// - Throws: `IndexError` for missing or corrupt files, `.unsupportedIndexType` for an index
  ///   type this build cannot open.
  static func open(_ entry: IndexEntry, dataset: Dataset, memoryBudget: MemoryBudget) throws
    -> any VectorIndex
  {
    guard let type = IndexType(rawValue: entry.indexType) else {
      throw IndexError(
        .unsupportedIndexType, "index '\(entry.name)' has unknown type \(entry.indexType)")
    }
    let location = try dataset.indexStorage(uuid: entry.uuid)
    let covered = Set(entry.fragmentIDs)
    var rowCounts: [UInt32: Int] = [:]
    var uncovered = Set<UInt32>()
    for fragment in dataset.fragments {
      if covered.contains(fragment.id) {
        rowCounts[fragment.id] = fragment.physicalRowCount
      } else {
        uncovered.insert(fragment.id)
      }
    }
    return try VectorIndexFactory.open(
      type, at: IndexFolder(storage: location.storage, path: location.folder),
      memoryBudget: memoryBudget,
      rowBounds: IndexRowBounds(rowCounts: rowCounts, uncovered: uncovered))
  }

  /// Streams the live vectors of `column` into the index `config` describes within
  /// `memoryBudget`, writes its files and returns the manifest entry to commit.
  static func build(
    on column: String, config: IndexConfig, name: String, dataset: Dataset,
    memoryBudget: MemoryBudget, progress: IndexBuildProgressHandler?
  ) throws -> IndexEntry {
    let schema = try dataset.schema()
    guard let field = schema.field(named: column) else {
      throw IndexError(
        .unknownColumn,
        "createIndex: unknown column '\(column)' (columns: \(schema.names.joined(separator: ", ")))"
      )
    }
    guard let dimension = field.type.vectorDimension else {
      throw IndexError(
        .unsupportedColumnType,
        "createIndex: column '\(column)' is \(field.type), not a vector column")
    }
    let input = try TableBuildInput(
      dataset: dataset, column: column, dimension: dimension, nullable: field.nullable)
    let entry = IndexEntry(
      name: name, column: column, indexType: config.type.rawValue, metric: config.metric.rawValue,
      fragmentIDs: dataset.fragmentIDs, parameters: config.recordedParameters)
    let location = try dataset.indexStorage(uuid: entry.uuid)
    let graph = HNSWParameters(
      m: config.m ?? HNSWParameters.defaultM,
      efConstruction: config.efConstruction ?? HNSWParameters.defaultEfConstruction,
      seed: config.seed)
    do throws(IndexError) {
      try VectorIndexFactory.build(
        from: input, parameters: config.ivfParameters, graph: graph, budget: memoryBudget,
        progress: progress, into: IndexFolder(storage: location.storage, path: location.folder))
    } catch {
      // A failed build (bad parameters, a full disk) leaves none of its files behind.
      try? dataset.discardIndexFiles(uuid: entry.uuid)
      // A table that could not be read fails with the table's own error.
      if error.code == .ioFailure, let tableError = error.underlying as? TableError {
        throw tableError
      }
      throw error
    }
    return entry
  }
}

extension Table {
  /// Builds a vector index on `column` over every current row and records it as a new version.
  /// Rows added later are searched exactly until the index is rebuilt.
  ///
  /// The column is streamed within the database's `memoryBudget` (rows grouped by partition are
  /// spilled to temporary files in the index folder, removed afterwards); flat `HNSW` needs
  /// every vector in memory and is refused when its estimate exceeds the budget.
  ///
  /// - Parameters:
  ///   - column: The vector column to index.
  ///   - config: The index type and its parameters, e.g. `.ivfPQ(metric: .cosine)`.
  ///   - name: The index's name (default `<column>_idx`); an index of the same name is
  ///     replaced.
  ///   - progress: Called on the building thread with the phase and the fraction done.
  /// - Throws: `IndexError`: `.unknownColumn`, `.unsupportedColumnType` (not a vector column),
  ///   parameters that do not fit the data (checked before training), `.memoryBudgetExceeded`
  ///   (flat HNSW), files that cannot be written; `TableError` when the table cannot be read or
  ///   the commit fails.
  public func createIndex(
    on column: String, _ config: IndexConfig, name: String? = nil,
    progress: IndexBuildProgressHandler? = nil
  ) throws {
    // Build on a copy of the current version so that searches are not blocked meanwhile.
    let base = withDataset { $0 }
    let entry = try IndexLoader.build(
      on: column, config: config, name: name ?? "\(column)_idx", dataset: base,
      memoryBudget: memoryBudget, progress: progress)
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
