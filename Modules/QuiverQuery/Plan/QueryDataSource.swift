import QuiverFormat
import QuiverIndex
import QuiverKernels
import QuiverStorage

/// One fragment of a table version as the executor sees it.
package struct QueryFragment: Sendable, Hashable {
  /// The fragment id (the high 32 bits of its rows' ids).
  package var id: UInt32
  /// Rows stored in the fragment, deleted ones included.
  package var physicalRowCount: Int
  /// Offsets of deleted rows (nil when none are deleted).
  package var deletedRows: RowBitmap?

  package init(id: UInt32, physicalRowCount: Int, deletedRows: RowBitmap? = nil) {
    self.id = id
    self.physicalRowCount = physicalRowCount
    self.deletedRows = deletedRows.flatMap { $0.count == 0 ? nil : $0 }
  }

  /// Rows not deleted.
  package var liveRowCount: Int { physicalRowCount - (deletedRows?.count ?? 0) }

  /// Whether the row at `offset` is deleted.
  @inline(__always) package func isDeleted(_ offset: Int) -> Bool {
    deletedRows?.contains(offset) ?? false
  }

  /// The row id of `offset`.
  @inline(__always) package func rowId(_ offset: Int) -> UInt64 {
    RowID.make(fragmentID: id, offset: UInt32(offset))
  }
}

/// What the executor reads from one version of a table. `QuiverTable`'s datasets are adapted to
/// it in module Quiver; tests may use an in-memory one.
package protocol QueryDataSource: Sendable {
  /// The table's schema.
  var schema: Schema { get }
  /// The fragments of the version, in id order.
  var fragments: [QueryFragment] { get }
  /// Calls `body` with consecutive batches of `columns` of `fragment`, each with the offset of
  /// its first row. Deleted rows are included; the caller skips them.
  func scan(
    _ fragment: QueryFragment, columns: [String],
    _ body: (_ firstOffset: Int, _ batch: RecordBatch) throws -> Void
  ) throws
  /// `columns` of the rows with `rowIds`, in the order given.
  func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch
  /// Min/max/null statistics of the pages of `column` in `fragment`, when the storage keeps
  /// them; filters use them to skip fragments and batches that cannot match.
  func pageStatistics(_ fragment: QueryFragment, column: String) -> [PageRangeStatistics]?
  /// The float32 vectors of `column` in `fragment` (every physical row, deleted ones too), read
  /// once and shared by later searches; nil when the source keeps no such copy or the column is
  /// not float32 vectors without nulls (exact scans then read batches with `scan`).
  func cachedVectors(_ fragment: QueryFragment, column: String) throws -> FloatVectorBlock?
  /// The most bytes of vectors `cachedVectors` keeps across searches (0: none). Reads of a few
  /// rows (the refine step) use the cache only when every fragment a search touches fits.
  var cachedVectorCapacityBytes: Int { get }
}

extension QueryDataSource {
  /// No statistics by default.
  package func pageStatistics(_ fragment: QueryFragment, column: String)
    -> [PageRangeStatistics]?
  { nil }

  /// No cached vectors by default.
  package func cachedVectors(_ fragment: QueryFragment, column: String) throws
    -> FloatVectorBlock?
  { nil }

  /// No cache by default.
  package var cachedVectorCapacityBytes: Int { 0 }
}

/// A vector index as the executor uses it. `QuiverIndex`'s indexes are adapted to it in module
/// Quiver.
package protocol QueryVectorIndex: Sendable {
  /// The index's name (for `explain`).
  var name: String { get }
  /// The index type as LanceDB users know it, e.g. "IVF_PQ".
  var typeName: String { get }
  /// The vector column it indexes.
  var column: String { get }
  /// The metric it was trained for; it is never used for another.
  var metric: DistanceMetric { get }
  /// The fragments it covers in this table version: its rows of other fragments (compacted
  /// away since it was built) must not be returned.
  var fragmentIds: Set<UInt32> { get }
  /// The fragments it holds rows of, when known (nil: unknown). When these are not all
  /// covered, the executor passes the covered rows as a filter, so coverage is applied inside
  /// the scan.
  var indexedFragmentIds: Set<UInt32>? { get }
  /// IVF partitions (1 for a single graph).
  var partitionCount: Int { get }
  /// Whether it walks HNSW graphs (and so takes `ef`).
  var usesGraph: Bool { get }
  /// Whether the distances it returns are exact (full-precision vectors) rather than
  /// approximate (quantized codes).
  var returnsExactDistances: Bool { get }
  /// The `k` nearest rows among `allowed` (all when nil), nearest first, probing `nprobes`
  /// partitions and walking graphs with `ef`; the filter applies inside the scan.
  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, allowed: RowSet?) throws
    -> [Neighbor]
}
