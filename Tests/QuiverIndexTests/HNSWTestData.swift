import QuiverIndex
import QuiverKernels
import QuiverTestSupport

/// The fixture, loaded once for every HNSW test.
enum HNSWTestData {
  static let base = try! MiniLMFixture.base()
  static let queries = try! MiniLMFixture.queries()

  /// Exact top-k row ids among `allowed` rows by brute force (for filtered searches).
  static func exactTop(
    _ k: Int, query: [Float], metric: DistanceMetric, allowed: (Int) -> Bool
  ) -> [UInt64] {
    var top = TopK(k: k)
    for row in 0..<base.count where allowed(row) {
      top.insert(id: UInt64(row), distance: try! metric.distance(query, base.row(row)))
    }
    return top.sorted().map(\.id)
  }

  /// Recall@10 of an index's searches over the 100 fixture queries.
  static func recallAt10(
    metric: DistanceMetric, search: ([Float]) throws -> [Neighbor]
  ) throws -> Double {
    let truth = try MiniLMFixture.groundTruth(metric.rawValue)
    var found: [[UInt64]] = []
    for query in 0..<queries.count { found.append(try search(queries.row(query)).map(\.id)) }
    return recall(at: 10, found: found, truth: truth)
  }
}
