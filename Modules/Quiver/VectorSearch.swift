import QuiverFormat
import QuiverQuery

/// A vector search being built: `table.search(vector).limit(10).nprobes(20).execute()`.
///
/// Without `refineFactor`, `_distance` of rows found through an IVF_PQ or IVF_SQ index is the
/// index's approximate distance; with it (or with IVF_FLAT or an exact scan) it is exact.
public struct VectorSearch: VectorSearchOptions {
  let table: Table
  /// The query being built.
  public var query: VectorQuery

  init(table: Table, vector: [Float]) {
    self.table = table
    query = VectorQuery(vector: vector)
  }

  func executor() throws -> VectorSearchExecutor {
    let snapshot = try table.snapshot()
    let plan = try snapshot.plan(query)
    return try VectorSearchExecutor(
      plan: plan, source: snapshot.source, cache: snapshot.prefilterCache)
  }

  /// Runs the search: the selected columns plus `_distance` (and `_rowid`), nearest first.
  /// - Throws: `QueryError` for bad input (dimension, NaN, limit, unknown columns, filter
  ///   errors), or errors reading the table or index (unless `fallbackOnDamagedIndex()` was set,
  ///   when an index that fails is skipped for an exact scan).
  public func execute() throws -> RecordBatch {
    do {
      return try executor().execute()
    } catch is IndexError where query.fallbackOnDamagedIndex && !query.bypassVectorIndex {
      // A partition read during the search was damaged: the exact scan does not need it.
      return try bypassVectorIndex().execute()
    }
  }

  /// Runs the search and decodes each row (see `RecordBatch.rows(as:)`).
  public func rows<Row: Decodable>(as type: Row.Type) throws -> [Row] {
    try execute().rows(as: type)
  }

  /// The plan: stages, chosen index (or why none), probes, candidate counts and filters.
  public func explain() throws -> String {
    try table.snapshot().plan(query).description
  }

  /// Runs the search and returns the plan followed by what the run did (probes after widening,
  /// candidates, refined and scanned rows).
  public func analyze() throws -> String {
    let executor = try executor()
    let statistics = try executor.nearest(to: query.vector).statistics
    return executor.plan.description + "\n" + statistics.summary
  }

  /// What one run did, for tests and tools.
  public func statistics() throws -> SearchStatistics {
    try executor().nearest(to: query.vector).statistics
  }
}
