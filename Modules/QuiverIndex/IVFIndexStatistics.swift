import QuiverStorage

/// What `quiver inspect` shows about an IVF index: its shape and how training went.
public struct IVFIndexStatistics: Sendable, Hashable, Codable {
  /// Rows indexed.
  public var rowCount: Int
  /// Vector dimension.
  public var dimension: Int
  /// Rows per partition, by partition number.
  public var partitionSizes: [Int]
  /// The fragments whose rows the index covers (high 32 bits of the row ids), ascending.
  public var fragmentIds: [UInt32]
  /// Rows k-means trained the IVF centroids on.
  public var ivfTrainingRows: Int
  /// Lloyd iterations of the IVF k-means.
  public var ivfIterations: Int
  /// Mean distance of the IVF training rows to their centroid after training.
  public var ivfMeanDistance: Double
  /// Empty clusters re-seeded during IVF training.
  public var repairedEmptyClusters: Int
  /// Rows the PQ codebooks or SQ ranges were trained on (0 for IVF_FLAT).
  public var quantizerTrainingRows: Int
  /// Bytes stored per row in a partition besides its 8-byte row id.
  public var bytesPerRow: Int

  /// The number of partitions.
  public var partitionCount: Int { partitionSizes.count }

  /// These statistics after rows were added or removed without retraining: rows, partition
  /// sizes and fragments recounted from each partition's row ids.
  func recounted(partitionRowIds: [[UInt64]]) -> IVFIndexStatistics {
    var updated = self
    updated.partitionSizes = partitionRowIds.map(\.count)
    updated.rowCount = updated.partitionSizes.reduce(0, +)
    var fragments = Set<UInt32>()
    for rowIds in partitionRowIds {
      for rowId in rowIds { fragments.insert(RowID.fragmentID(rowId)) }
    }
    updated.fragmentIds = fragments.sorted()
    return updated
  }
}

/// One partition's rank for a query, as the planner's `explain()` reports it.
public struct PartitionScore: Sendable, Hashable {
  /// The partition number.
  public var partition: Int
  /// Distance from the query to the partition's centroid (squared L2 for l2 and cosine, on unit
  /// vectors for cosine; 1 − q·c for dot).
  public var distance: Float
  /// Rows in the partition.
  public var rowCount: Int
}
