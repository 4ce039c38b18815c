/// The JSON members that `quiver bench search` and `quiver bench index` both report for one
/// search setting, in this order and under these keys, so that their results (and the anchors'
/// scripts, which print the same keys) compare directly.
enum SearchBenchMembers {
  /// The shared members; nil values are JSON nulls (`ef` of an IVF type, `build_seconds` when
  /// nothing was built).
  static func shared(
    type: String, metric: String, nprobes: Int?, ef: Int?, refineFactor: Int?,
    recallAt10: Double?, qps: Double, latency: LatencySummary, buildSeconds: Double?,
    indexBytes: Int?, peakMemoryBytes: Int
  ) -> [(String, JSONValue)] {
    [
      ("type", .string(type)), ("metric", .string(metric)),
      ("nprobes", nprobes.map { .int($0) } ?? .null), ("ef", ef.map { .int($0) } ?? .null),
      ("refine_factor", refineFactor.map { .int($0) } ?? .null),
      ("recall_at_10", recallAt10.map(JSONValue.number) ?? .null), ("qps", .number(qps)),
      ("p50_ms", .number(latency.p50Milliseconds)), ("p99_ms", .number(latency.p99Milliseconds)),
      ("build_seconds", buildSeconds.map(JSONValue.number) ?? .null),
      ("index_bytes", indexBytes.map { .int($0) } ?? .null),
      ("peak_memory_bytes", .int(peakMemoryBytes)),
    ]
  }
}
