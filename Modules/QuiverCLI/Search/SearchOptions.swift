import ArgumentParser
import Quiver

/// The search options `quiver search` and `quiver bench` share, applied to a search builder.
struct SearchOptions: ParsableArguments {
  @Option(help: "Rows to return per query.")
  var limit = 10

  @Option(help: "IVF partitions to probe (default: the planner's).")
  var nprobes: Int?

  @Option(help: "HNSW search width (default: the index's).")
  var ef: Int?

  @Option(help: "Re-rank limit × F candidates by exact distance.")
  var refineFactor: Int?

  @Option(
    name: .customLong("where"),
    help: "A SQL filter, e.g. \"price > 10 AND category IN ('a', 'b')\".")
  var filter: String?

  @Flag(help: "Apply --where after ranking (may return fewer rows) instead of before.")
  var postfilter = false

  @Option(help: "The vector column (needed when the table has several).")
  var column: String?

  @Option(
    help: "The distance metric (l2, cosine, dot); an index trained for another one is not used.",
    transform: OptionValue.metric)
  var metric: DistanceMetric?

  @Flag(help: "Ignore vector indexes: an exact scan.")
  var bypassIndex = false

  @Flag(help: "When an index is damaged, scan exactly (explain shows a warning) instead of failing.")
  var fallbackOnDamagedIndex = false

  func validate() throws {
    if limit <= 0 { throw ValidationError("--limit must be positive") }
    if let nprobes, nprobes <= 0 { throw ValidationError("--nprobes must be positive") }
    if let ef, ef <= 0 { throw ValidationError("--ef must be positive") }
    if let refineFactor, refineFactor <= 0 {
      throw ValidationError("--refine-factor must be positive")
    }
  }

  /// `search` with these options.
  func apply<Search: VectorSearchOptions>(_ search: Search) -> Search {
    var result = search.limit(limit)
    if let nprobes { result = result.nprobes(nprobes) }
    if let ef { result = result.ef(ef) }
    if let refineFactor { result = result.refineFactor(refineFactor) }
    if let filter { result = result.where(filter, prefilter: !postfilter) }
    if let column { result = result.column(column) }
    if let metric { result = result.metric(metric) }
    if bypassIndex { result = result.bypassVectorIndex() }
    if fallbackOnDamagedIndex { result = result.fallbackOnDamagedIndex() }
    return result
  }
}
