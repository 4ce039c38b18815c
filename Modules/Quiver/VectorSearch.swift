import QuiverFormat
import QuiverKernels
import QuiverQuery

/// The options every vector search builder shares; each returns a changed copy.
public protocol VectorSearchOptions: Sendable {
  /// The query being built.
  var query: VectorQuery { get set }
}

extension VectorSearchOptions {
  private func with(_ change: (inout VectorQuery) -> Void) -> Self {
    var copy = self
    change(&copy.query)
    return copy
  }

  /// Returns at most `count` rows (default 10).
  public func limit(_ count: Int) -> Self { with { $0.limit = count } }
  /// Skips the `count` nearest rows first.
  public func offset(_ count: Int) -> Self { with { $0.offset = count } }
  /// Probes `count` IVF partitions (default 20).
  public func nprobes(_ count: Int) -> Self { with { $0.nprobes = count } }
  /// Sets the HNSW search width.
  public func ef(_ width: Int) -> Self { with { $0.ef = width } }
  /// Re-ranks `limit × factor` candidates by exact distance read from the table.
  public func refineFactor(_ factor: Int) -> Self { with { $0.refineFactor = factor } }
  /// Keeps only rows passing a SQL `WHERE` filter, before ranking (`prefilter`, the default: the
  /// limit is met whenever enough rows pass) or after it (postfilter: may return fewer).
  public func `where`(_ filter: String, prefilter: Bool = true) -> Self {
    with {
      $0.filter = filter
      $0.prefilter = prefilter
    }
  }
  /// Returns only these columns (plus `_distance`).
  public func select(_ columns: [String]) -> Self { with { $0.columns = columns } }
  /// Adds the `_rowid` column.
  public func withRowId() -> Self { with { $0.withRowId = true } }
  /// Ignores vector indexes: an exact scan.
  public func bypassVectorIndex() -> Self { with { $0.bypassVectorIndex = true } }
  /// Searches only rows the index covers (rows added after it was built are skipped).
  public func fastSearch() -> Self { with { $0.fastSearch = true } }
  /// Keeps rows with `lower ≤ _distance < upper` (either bound optional).
  public func distanceRange(_ lower: Float? = nil, _ upper: Float? = nil) -> Self {
    with {
      $0.distanceLowerBound = lower
      $0.distanceUpperBound = upper
    }
  }
  /// Uses `metric`; an index trained for another metric is not used (the search is exact).
  public func metric(_ metric: DistanceMetric) -> Self { with { $0.metric = metric } }
  /// Searches the vector column `name` (needed when the table has several).
  public func column(_ name: String) -> Self { with { $0.column = name } }
  /// When an index of the searched column is damaged, scans exactly (with a warning in
  /// `explain()`) instead of failing. Off by default: a damaged index is an error.
  public func fallbackOnDamagedIndex() -> Self { with { $0.fallbackOnDamagedIndex = true } }
}

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

extension SearchStatistics {
  /// One line per figure.
  public var summary: String {
    var lines = ["Run:"]
    if indexSearches > 0 {
      lines.append("  index searches \(indexSearches), partitions probed \(partitionsProbed)"
        + (ef.map { ", ef \($0)" } ?? "") + ", candidates \(indexCandidates)")
    }
    if let allowed = prefilterAllowedRows { lines.append("  prefilter allowed rows \(allowed)") }
    if exactScanOfAllowedRows { lines.append("  few rows pass the prefilter: scanned them exactly") }
    if let after = candidatesAfterPostfilter { lines.append("  candidates after postfilter \(after)") }
    if refinedRows > 0 { lines.append("  refined rows \(refinedRows)") }
    if exactlyScannedRows > 0 { lines.append("  exactly compared rows \(exactlyScannedRows)") }
    return lines.joined(separator: "\n")
  }
}

extension Table {
  /// Starts a vector search for `vector`.
  public func search(_ vector: [Float]) -> VectorSearch { VectorSearch(table: self, vector: vector) }

  /// Starts a vector search for a vector of another floating-point type — `[Double]` (NumPy's
  /// float64), `[Float16]` — converted to `Float`; values beyond `Float`'s range become
  /// infinite and are refused by `execute()`.
  public func search<Element: BinaryFloatingPoint>(_ vector: [Element]) -> VectorSearch {
    VectorSearch(table: self, vector: vector.map { Float($0) })
  }

  /// Starts a batch search: many vectors, the same options, both cores.
  public func search(batch vectors: [[Float]]) -> BatchVectorSearch {
    BatchVectorSearch(table: self, vectors: vectors)
  }

  /// Starts a batch search of vectors of another floating-point type, converted to `Float`.
  public func search<Element: BinaryFloatingPoint>(batch vectors: [[Element]])
    -> BatchVectorSearch
  {
    BatchVectorSearch(table: self, vectors: vectors.map { $0.map { Float($0) } })
  }

  /// Starts a scan without a vector (filter, projection, offset, limit).
  public func scan() -> TableScan { TableScan(table: self) }
}

/// A scan being built: `table.scan().where("price > 10").select(["id"]).limit(5).execute()`.
public struct TableScan: Sendable {
  let table: Table
  /// The scan being built.
  public var query = ScanQuery()

  init(table: Table) { self.table = table }

  private func with(_ change: (inout ScanQuery) -> Void) -> TableScan {
    var copy = self
    change(&copy.query)
    return copy
  }

  /// Keeps rows passing a SQL `WHERE` filter.
  public func `where`(_ filter: String) -> TableScan { with { $0.filter = filter } }
  /// Returns only these columns.
  public func select(_ columns: [String]) -> TableScan { with { $0.columns = columns } }
  /// Returns at most `count` rows.
  public func limit(_ count: Int) -> TableScan { with { $0.limit = count } }
  /// Skips `count` passing rows first.
  public func offset(_ count: Int) -> TableScan { with { $0.offset = count } }
  /// Adds the `_rowid` column.
  public func withRowId() -> TableScan { with { $0.withRowId = true } }

  /// Runs the scan: passing rows in row-id order.
  /// - Throws: `QueryError` for a bad filter, unknown columns, a negative offset or limit.
  public func execute() throws -> RecordBatch {
    try ScanExecutor(source: try table.snapshot().source, filter: query.filter).execute(query)
  }

  /// Runs the scan and decodes each row.
  public func rows<Row: Decodable>(as type: Row.Type) throws -> [Row] {
    try execute().rows(as: type)
  }
}
