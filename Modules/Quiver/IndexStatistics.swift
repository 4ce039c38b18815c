import QuiverTable

/// One vector index of a table version, as `Table.indexStatistics()` lists it.
public struct IndexStatistics: Sendable, Hashable {
  /// The index's name.
  public var name: String
  /// The indexed column.
  public var column: String
  /// The index type (`IVF_PQ`, `IVF_HNSW_SQ`, …).
  public var indexType: String
  /// The metric it was trained for.
  public var metric: String
  /// The folder of its files under `_indices/`.
  public var uuid: String
  /// Rows the index holds.
  public var indexedRowCount: Int
  /// Live rows of fragments the index does not cover (searched exactly until `optimize()`).
  public var unindexedRowCount: Int
  /// IVF partitions (1 for a single graph).
  public var partitionCount: Int
  /// The fragments it covers.
  public var fragmentIDs: [UInt32]
  /// The parameters it was built with, defaults resolved (`num_partitions`, `num_sub_vectors`,
  /// `m`, …).
  public var parameters: [String: String]
}

extension Table {
  /// The vector indexes of the current version with their statistics.
  /// - Throws: the `IndexError` of an index whose files cannot be opened.
  public func indexStatistics() throws -> [IndexStatistics] {
    let dataset = withDataset { $0 }
    return try dataset.indices.map { entry in
      let index = try IndexLoader.open(entry, dataset: dataset, memoryBudget: memoryBudget)
      let covered = Set(entry.fragmentIDs)
      let unindexed = dataset.fragments.filter { !covered.contains($0.id) }
        .reduce(0) { $0 + $1.liveRowCount }
      return IndexStatistics(
        name: entry.name, column: entry.column, indexType: entry.indexType,
        metric: entry.metric, uuid: entry.uuid, indexedRowCount: index.rowCount,
        unindexedRowCount: unindexed, partitionCount: index.partitionCount,
        fragmentIDs: entry.fragmentIDs,
        parameters: entry.parameters.merging(index.resolvedParameters) { $1 })
    }
  }
}
