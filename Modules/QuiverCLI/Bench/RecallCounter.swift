/// Recall@k of search results against exact ground truth: the fraction of the true `k` nearest
/// found among the `k` returned, averaged over queries.
enum RecallCounter {
  /// Mean recall@k; `truth[i]` lists query `i`'s true neighbours nearest first (at least `k`),
  /// `found[i]` the ids returned.
  static func recall(found: [[Int64]], truth: [[Int64]], k: Int) -> Double {
    precondition(found.count == truth.count, "one result per query")
    guard !found.isEmpty, k > 0 else { return 0 }
    var total = 0.0
    for (result, exact) in zip(found, truth) {
      let expected = Set(exact.prefix(k))
      let hits = result.prefix(k).filter { expected.contains($0) }.count
      total += Double(hits) / Double(min(k, expected.count))
    }
    return total / Double(found.count)
  }
}
