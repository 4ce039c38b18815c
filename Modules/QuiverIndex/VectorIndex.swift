import Foundation
import QuiverKernels
import QuiverStorage

/// A trained vector index of any type, as the layers above use it: search, what it holds, and
/// persistence. `IVFIndex` (IVF_FLAT, IVF_PQ, IVF_SQ), `IVFHNSWIndex` (IVF_HNSW_SQ, IVF_HNSW_PQ)
/// and `HNSWIndex` conform; `VectorIndexFactory` opens and builds them by `IndexType`, so no
/// caller dispatches on the type.
///
/// An index knows rows only by their ids (`RowID`: fragment id in the high 32 bits). Which of
/// its rows a table version may return — live rows, rows passing a prefilter, rows of the
/// fragments the version says it covers — arrives as one `RowSet` and is applied inside the
/// partition scan or graph walk, so `k` allowed rows come back whenever the index holds them.
public protocol VectorIndex: Sendable {
  /// The index type.
  var type: IndexType { get }
  /// The metric it was trained for; searches use it and no other.
  var metric: DistanceMetric { get }
  /// Floats per vector.
  var dimension: Int { get }
  /// Rows indexed.
  var rowCount: Int { get }
  /// IVF partitions (1 for a single graph): the upper bound of `nprobes`.
  var partitionCount: Int { get }
  /// The fragments whose rows the index holds, ascending, when known; nil while only reading
  /// more partitions would tell (IVF_HNSW_* learn them as partitions load). A caller that may
  /// return rows of fewer fragments (after a compaction) must then pass a `RowSet` that says
  /// which.
  var indexedFragmentIDs: [UInt32]? { get }
  /// Whether it walks HNSW graphs (and so takes `ef`).
  var usesGraph: Bool { get }
  /// The parameters it was built with, every default resolved (`num_partitions`,
  /// `num_sub_vectors`, `num_bits`, `m`, `ef_construction`, …), named as `IndexConfig` and
  /// LanceDB name them: what `Table.indexStatistics()` lists.
  var resolvedParameters: [String: String] { get }
  /// Whether the distances it returns are exact (from full-precision vectors) rather than
  /// approximations from quantized codes.
  var returnsExactDistances: Bool { get }

  /// The `k` nearest rows to `query` among `filter` (every indexed row when nil), nearest first,
  /// with distances in `metric`.
  ///
  /// - Parameters:
  ///   - nprobes: partitions to scan or walk (capped at `partitionCount`; ignored by HNSW).
  ///   - ef: each graph walk's candidate list width (nil: the type's default; ignored by IVF).
  ///   - filter: the rows that may be returned, applied inside the scan or walk.
  ///   - k: How many nearest rows to return.
  ///   - query: The query vector (`dimension` floats).
  /// - Throws: `IndexError` `.dimensionMismatch`, `.invalidArgument` (k, nprobes or ef out of
  ///   range), `.corruptFile` / `.ioFailure` when a partition cannot be read.
  func search(_ query: [Float], k: Int, nprobes: Int, ef: Int?, filter: RowSet?)
    throws(IndexError) -> [Neighbor]

  /// Writes the index's files into `folder` of a storage (the table's `_indices/<uuid>/`), each
  /// durable before this returns; the files are those Docs/Format.md describes for the type.
  /// - Throws: `IndexError.ioFailure` when a file cannot be written.
  func write(to folder: IndexFolder) throws(IndexError)

  /// A new index that holds this index's rows and also `rowIds` (their vectors are
  /// `rowIds.count × dimension` floats, row-major), placed without retraining: assigned with
  /// the existing centroids, encoded with the existing codebooks or ranges, inserted into the
  /// existing graphs. This index is not changed; the result is held in memory, for `write(to:)`
  /// into a new folder. What `Table.optimize()` does with rows an index does not cover yet.
  ///
  /// - Throws: `IndexError.dimensionMismatch`, `.nonFiniteValue`, `.corruptFile` /
  ///   `.ioFailure` when a partition cannot be read, `.unsupportedIndexType` for a type that
  ///   cannot add rows without retraining.
  /// - Parameters:
  ///   - progress: told the phases (assigning, encoding, graph building) and the
  ///     fraction of the append done, on the calling thread; nil reports nothing.
  ///   - rowIds: The row id of each vector (default 0 ..< count).
  ///   - vectors: The vectors, `count × dimension` floats, row-major.
  /// - Complexity: reads every partition; O(new rows × partitions × dimension) to assign, plus
  ///   the encoding or graph insertion of the new rows.
  func appending(vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?)
    throws(IndexError) -> any VectorIndex

  /// A new index whose row ids are this index's passed through `newRowID`; rows it maps to nil
  /// are left out (graph indexes relink the neighbours of the nodes removed). What
  /// `Table.optimize()` does after a compaction moved rows (QuiverTable's `RowIDMap`).
  ///
  /// - Throws: `.corruptFile` / `.ioFailure` when a partition cannot be read,
  ///   `.unsupportedIndexType` for a type that cannot remap.
  /// - Complexity: reads every partition; O(rows) plus, for graphs, the relinking.
  func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError) -> any VectorIndex
}

extension VectorIndex {
  /// Writes the index's files into the local folder `directory` (created if missing); see
  /// `write(to:)` with an `IndexFolder`.
  public func write(to directory: URL) throws(IndexError) {
    try write(to: IndexFolder(local: directory))
  }

  /// The partition count, for index types that say nothing more.
  public var resolvedParameters: [String: String] {
    ["num_partitions": String(partitionCount)]
  }

  /// `appending(vectors:rowIds:progress:)` without progress reports.
  public func appending(vectors: [Float], rowIds: [UInt64]) throws(IndexError)
    -> any VectorIndex
  {
    try appending(vectors: vectors, rowIds: rowIds, progress: nil)
  }

  /// Index types that cannot add rows without retraining throw; retrain with a new build.
  public func appending(
    vectors: [Float], rowIds: [UInt64], progress: IndexBuildProgressHandler?
  ) throws(IndexError) -> any VectorIndex {
    throw IndexError(
      .unsupportedIndexType,
      "a \(type.rawValue) index cannot add rows without retraining; rebuild it instead")
  }

  /// Index types that cannot remap row ids throw; retrain with a new build.
  public func remappingRowIDs(_ newRowID: (UInt64) -> UInt64?) throws(IndexError)
    -> any VectorIndex
  {
    throw IndexError(
      .unsupportedIndexType,
      "a \(type.rawValue) index cannot remap its row ids; rebuild it instead")
  }
}
