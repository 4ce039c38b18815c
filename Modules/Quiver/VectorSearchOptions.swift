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
