import QuiverKernels

/// Everything a vector search asks for; the `search` builder fills it in.
///
/// Defaults follow LanceDB: `limit` 10, `nprobes` 20, prefilter on, no refine, every column.
public struct VectorQuery: Sendable, Hashable {
  /// The query vector.
  public var vector: [Float]
  /// The vector column to search; nil picks the table's only vector column.
  public var column: String?
  /// How many rows to return (after `offset`).
  public var limit: Int = 10
  /// How many of the nearest rows to skip.
  public var offset: Int = 0
  /// IVF partitions to probe.
  public var nprobes: Int = 20
  /// HNSW search width; nil lets the index choose.
  public var ef: Int?
  /// When set, `limit × refineFactor` candidates are re-ranked by exact distance. When unset,
  /// an index over quantized codes whose candidates are merged with an exact scan of fragments
  /// it does not cover refines with factor 1, so that every `_distance` is exact.
  public var refineFactor: Int?
  /// A SQL `WHERE` filter.
  public var filter: String?
  /// Apply the filter before ranking (true) or to the ranked candidates (false).
  public var prefilter: Bool = true
  /// Columns to return (nil: all); `_distance` is always added.
  public var columns: [String]?
  /// Whether to add the `_rowid` column.
  public var withRowId: Bool = false
  /// Ignore vector indexes and scan exactly.
  public var bypassVectorIndex: Bool = false
  /// Search only the rows an index covers (skip the exact scan of newer rows).
  public var fastSearch: Bool = false
  /// Keep only rows with `lower ≤ _distance` (when set).
  public var distanceLowerBound: Float?
  /// Keep only rows with `_distance < upper` (when set).
  public var distanceUpperBound: Float?
  /// The metric; nil uses the index's metric, or l2 without an index.
  public var metric: DistanceMetric?
  /// When an index of the searched column is damaged (its files cannot be opened or read),
  /// search without it — an exact scan, with a warning in `explain()` — instead of failing.
  public var fallbackOnDamagedIndex: Bool = false

  /// A query for `vector` with the defaults.
  public init(vector: [Float]) { self.vector = vector }

  /// The most candidates one search may ask for: `(limit + offset) × refineFactor` above it is
  /// `QueryError.invalidArgument`. Read larger result sets with a scan.
  public static let maximumCandidateCount = 1 << 24
}

/// A scan without a query vector: filter, projection, offset and limit.
public struct ScanQuery: Sendable, Hashable {
  /// A SQL `WHERE` filter (nil: every row).
  public var filter: String?
  /// Columns to return (nil: all).
  public var columns: [String]?
  /// The maximum number of rows (nil: all).
  public var limit: Int?
  /// Rows to skip first.
  public var offset: Int = 0
  /// Whether to add the `_rowid` column.
  public var withRowId: Bool = false

  /// A scan of every row and column.
  public init() {}
}
