/// Percentiles of per-query latencies.
struct LatencySummary: Sendable, Equatable {
  var p50Milliseconds: Double
  var p99Milliseconds: Double
  var meanMilliseconds: Double

  /// Summarises latencies in seconds (nearest-rank percentiles).
  init(seconds: [Double]) {
    precondition(!seconds.isEmpty, "no latencies")
    let sorted = seconds.sorted()
    func percentile(_ fraction: Double) -> Double {
      let rank = Int((fraction * Double(sorted.count)).rounded(.up))
      return sorted[max(0, min(sorted.count - 1, rank - 1))] * 1000
    }
    p50Milliseconds = percentile(0.5)
    p99Milliseconds = percentile(0.99)
    meanMilliseconds = sorted.reduce(0, +) / Double(sorted.count) * 1000
  }
}
