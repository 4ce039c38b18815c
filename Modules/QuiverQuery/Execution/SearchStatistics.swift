/// What one vector search did, for `explain(analyze)` and tests.
public struct SearchStatistics: Sendable, Hashable {
  /// Partitions probed in the last index search (after widening).
  public var partitionsProbed: Int = 0
  /// The HNSW width of the last index search, when the index walks graphs.
  public var ef: Int?
  /// Index searches run (more than one when a selective prefilter widened the probes).
  public var indexSearches: Int = 0
  /// Candidates the index returned (last search).
  public var indexCandidates: Int = 0
  /// Candidates left after the postfilter.
  public var candidatesAfterPostfilter: Int?
  /// Rows whose distance was computed exactly by refine.
  public var refinedRows: Int = 0
  /// Rows allowed by the prefilter among the indexed fragments.
  public var prefilterAllowedRows: Int?
  /// Whether the prefilter was so selective that the allowed rows were scanned exactly instead
  /// of probing the index.
  public var exactScanOfAllowedRows: Bool = false
  /// Rows compared exactly in fragments the index does not cover (or all, without an index).
  public var exactlyScannedRows: Int = 0

  /// The statistics of a search that has not run yet (all zero).
  public init() {}
}
