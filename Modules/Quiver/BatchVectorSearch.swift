import QuiverFormat
import QuiverQuery

/// Many query vectors searched with the same options in one call, on every core:
/// `table.search(batch: vectors).limit(10).execute()` returns one result per vector.
public struct BatchVectorSearch: VectorSearchOptions {
  let table: Table
  let vectors: [[Float]]
  /// The query being built (its vector is the first of the batch; it sets the plan).
  public var query: VectorQuery

  init(table: Table, vectors: [[Float]]) {
    self.table = table
    self.vectors = vectors
    query = VectorQuery(vector: vectors.first ?? [])
  }

  /// Runs every query; result `i` answers vector `i`.
  /// - Throws: as `VectorSearch.execute()`; `QueryError.invalidArgument` for an empty batch.
  public func execute() throws -> [RecordBatch] {
    guard !vectors.isEmpty else {
      throw QueryError(.invalidArgument, "a batch search needs at least one query vector")
    }
    let snapshot = try table.snapshot()
    let plan = try snapshot.plan(query)
    return try VectorSearchExecutor(
      plan: plan, source: snapshot.source, cache: snapshot.prefilterCache
    ).executeBatch(vectors)
  }
}
