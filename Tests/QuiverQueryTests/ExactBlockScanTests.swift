import QuiverFormat
import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

/// An in-memory source that also serves whole vector columns, as the table's cache does, so
/// exact scans take the in-place block path.
private struct CachingSource: QueryDataSource {
  var base: InMemoryDataSource
  var schema: Schema { base.schema }
  var fragments: [QueryFragment] { base.fragments }
  func scan(
    _ fragment: QueryFragment, columns: [String],
    _ body: (_ firstOffset: Int, _ batch: RecordBatch) throws -> Void
  ) throws { try base.scan(fragment, columns: columns, body) }
  func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch {
    try base.take(rowIds: rowIds, columns: columns)
  }
  func cachedVectors(_ fragment: QueryFragment, column: String) throws -> FloatVectorBlock? {
    let vectors = base.batches[Int(fragment.id)][column]!
    guard case .fixedSizeList(_, let dimension) = vectors.dataType else { return nil }
    return FloatVectorBlock(
      values: vectors.withUnsafeValues(as: Float.self) { Array($0) }, dimension: dimension)
  }
}

/// Exact search over vectors held in memory: the same ids and distances whatever the thread
/// count, the ids of a Double-precision brute force, and the same answer as the batch-by-batch
/// scan.
@Suite struct ExactBlockScanTests {
  /// 3 × 22,000 rows of 64 floats: above the 4 M-float mark where one query's scan is split
  /// across threads, and more than one 4,096-row chunk per fragment.
  static let source: InMemoryDataSource = {
    var source = try! makeQueryTestSource(fragments: 3, rows: 22_000, dimension: 64, seed: 9)
    source.delete(rowIds: [3, 4_100, 1 << 32 | 21_999, 2 << 32 | 0])
    return source
  }()

  @Test(arguments: DistanceMetric.allCases)
  func resultsDoNotDependOnThreadsAndMatchDoubleBruteForce(metric: DistanceMetric) throws {
    let plain = Self.source
    let caching = CachingSource(base: plain)
    var generator = SeededGenerator(seed: 77)
    for filter in [nil, "price < 500"] as [String?] {
      var query = VectorQuery(vector: generator.floats(64))
      query.limit = 10
      query.metric = metric
      query.filter = filter
      let plan = try QueryPlanner.plan(query, source: caching, indexes: [])
      var executor = try VectorSearchExecutor(plan: plan, source: caching)
      var answers: [[Neighbor]] = []
      for threads in [1, 2, 3] {
        executor.exactScanThreads = threads
        answers.append(try executor.nearest(to: query.vector).neighbors)
      }
      #expect(answers[1] == answers[0], "\(metric) \(filter ?? "-"): 2 threads differ from 1")
      #expect(answers[2] == answers[0], "\(metric) \(filter ?? "-"): 3 threads differ from 1")

      // The batch-by-batch path over the same rows, cut into other kernel calls: the same ids
      // and the same distances, bit for bit.
      let plainPlan = try QueryPlanner.plan(query, source: plain, indexes: [])
      let batched = try VectorSearchExecutor(plan: plainPlan, source: plain)
        .nearest(to: query.vector).neighbors
      #expect(batched == answers[0], "\(metric) \(filter ?? "-"): batch by batch differs")

      try Self.expectDoubleBruteForce(
        answers[0], query: query.vector, metric: metric, filter: filter)
    }
  }

  /// A batch runs as one many-to-many pass: the same answers whatever the thread count, the ids
  /// and distances each query finds alone, and those of a Double-precision brute force.
  @Test(arguments: DistanceMetric.allCases)
  func batchMatchesSingleQueriesAndDoubleBruteForce(metric: DistanceMetric) throws {
    let caching = CachingSource(base: Self.source)
    var generator = SeededGenerator(seed: 78)
    // 70 queries: more than one group of the many-to-many kernel.
    let vectors = (0..<70).map { _ in generator.floats(64) }
    for filter in [nil, "price < 500"] as [String?] {
      var query = VectorQuery(vector: vectors[0])
      query.limit = 10
      query.metric = metric
      query.filter = filter
      let plan = try QueryPlanner.plan(query, source: caching, indexes: [])
      var executor = try VectorSearchExecutor(plan: plan, source: caching)
      var answers: [[[Neighbor]]] = []
      for threads in [1, 2, 3] {
        executor.exactScanThreads = threads
        answers.append(try executor.nearestBatch(vectors))
      }
      #expect(answers[1] == answers[0], "\(metric) \(filter ?? "-"): 2 threads differ from 1")
      #expect(answers[2] == answers[0], "\(metric) \(filter ?? "-"): 3 threads differ from 1")
      // The many-to-many tiles sum each distance as the one-to-many scan does.
      for (position, vector) in vectors.enumerated() {
        let alone = try executor.nearest(to: vector).neighbors
        #expect(answers[0][position] == alone, "\(metric) \(filter ?? "-"): query \(position)")
      }
      // The brute force (slow in debug builds) for queries on both sides of the group boundary.
      for position in [0, 63, 64, 69] {
        try Self.expectDoubleBruteForce(
          answers[0][position], query: vectors[position], metric: metric, filter: filter)
      }
    }
  }

  /// `found` holds the ids of a Double-precision brute force over every live row that passes
  /// `filter`, in its order, with distances equal to within float rounding.
  static func expectDoubleBruteForce(
    _ found: [Neighbor], query: [Float], metric: DistanceMetric, filter: String?
  ) throws {
    let plain = source
    let reference = try bruteForce(plain, query: query, metric: metric, filter: filter)
    var candidates: [(id: UInt64, distance: Double)] = []
    for neighbor in reference.prefix(200) {
      let batch = plain.batches[Int(neighbor.id >> 32)]
      let vector = batch["vector"]!.vector(at: Int(UInt32(truncatingIfNeeded: neighbor.id)))!
      candidates.append((neighbor.id, referenceDistance(metric, query, vector)))
    }
    candidates.sort { (a, b) in
      a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
    }
    #expect(found.map(\.id) == candidates.prefix(10).map { $0.id })
    for (neighbor, expected) in zip(found, candidates) {
      #expect(
        abs(Double(neighbor.distance) - expected.distance) <= 1e-5 * max(1, abs(expected.distance)))
    }
  }
}
