import QuiverFormat
import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

private func run(
  _ query: VectorQuery, _ source: InMemoryDataSource, _ indexes: [any QueryVectorIndex] = []
) throws -> (neighbors: [Neighbor], statistics: SearchStatistics, plan: VectorSearchPlan) {
  let plan = try QueryPlanner.plan(query, source: source, indexes: indexes)
  let executor = try VectorSearchExecutor(plan: plan, source: source)
  let (neighbors, statistics) = try executor.nearest(to: query.vector)
  return (neighbors, statistics, plan)
}

private func queryVector(_ seed: UInt64) -> [Float] {
  var generator = SeededGenerator(seed: seed)
  return generator.floats(16)
}

private func recall(_ found: [Neighbor], _ truth: [Neighbor]) -> Double {
  let expected = Set(truth.map(\.id))
  return Double(found.filter { expected.contains($0.id) }.count) / Double(max(1, truth.count))
}

@Suite struct VectorSearchTests {
  @Test(arguments: DistanceMetric.allCases)
  func exactScanMatchesBruteForce(metric: DistanceMetric) throws {
    var source = try makeQueryTestSource()
    source.delete(rowIds: [0, 5, 1 << 32 | 7])
    for (filter, offset) in [(nil, 0), ("price < 300 AND category IN ('a', 'b')", 0), (nil, 7)] as [(String?, Int)] {
      var query = VectorQuery(vector: queryVector(3))
      query.limit = 10
      query.offset = offset
      query.filter = filter
      query.metric = metric
      let result = try run(query, source)
      let truth = try bruteForce(source, query: query.vector, metric: metric, filter: filter)
      #expect(result.neighbors.map(\.id) == truth.dropFirst(offset).prefix(10).map(\.id))
      for (found, expected) in zip(result.neighbors, truth.dropFirst(offset)) {
        #expect(abs(found.distance - expected.distance) <= 1e-4 * max(1, abs(expected.distance)))
      }
      #expect(result.statistics.exactlyScannedRows == 900)
    }
  }

  @Test func distanceRangeKeepsLowerInclusiveUpperExclusive() throws {
    let source = try makeQueryTestSource()
    let vector = queryVector(4)
    let truth = try bruteForce(source, query: vector, metric: .l2, filter: nil)
    var query = VectorQuery(vector: vector)
    query.limit = 5
    query.distanceLowerBound = truth[3].distance
    query.distanceUpperBound = truth[9].distance
    let result = try run(query, source)
    #expect(result.neighbors.map(\.id) == truth[3..<8].map(\.id))
    query.limit = 100
    #expect(try run(query, source).neighbors.map(\.id) == truth[3..<9].map(\.id))
  }

  @Test(arguments: DistanceMetric.allCases)
  func fullProbeOfAnExactIndexIsExact(metric: DistanceMetric) throws {
    var source = try makeQueryTestSource()
    source.delete(rowIds: [3, 1 << 32 | 8, 2 << 32 | 100])
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: metric, partitions: 8, approximate: false)
    var query = VectorQuery(vector: queryVector(5))
    query.nprobes = 8
    query.filter = "category != 'c'"
    for prefilter in [true, false] {
      query.prefilter = prefilter
      let result = try run(query, source, [index])
      let truth = try bruteForce(source, query: query.vector, metric: metric, filter: query.filter)
      if prefilter {
        #expect(result.neighbors.map(\.id) == truth.prefix(10).map(\.id))
      } else {
        // Postfilter: the top 10 of all live rows, then the filter; the rest are missing.
        let unfiltered = try bruteForce(source, query: query.vector, metric: metric, filter: nil)
        let passing = Set(truth.map(\.id))
        #expect(result.neighbors.map(\.id) == unfiltered.prefix(10).filter { passing.contains($0.id) }.map(\.id))
      }
      #expect(result.plan.index != nil)
    }
  }

  @Test func refineGivesExactDistancesAndRecall() throws {
    let source = try makeQueryTestSource()
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: .l2, partitions: 8, approximate: true)
    var total = 0.0
    for seed in 0..<20 {
      var query = VectorQuery(vector: queryVector(UInt64(100 + seed)))
      query.nprobes = 3
      query.refineFactor = 5
      let result = try run(query, source, [index])
      #expect(result.statistics.refinedRows == 50)
      let truth = try bruteForce(source, query: query.vector, metric: .l2, filter: nil)
      let exact = Dictionary(uniqueKeysWithValues: truth.map { ($0.id, $0.distance) })
      for neighbor in result.neighbors {
        #expect(abs(neighbor.distance - exact[neighbor.id]!) <= 1e-4 * max(1, exact[neighbor.id]!))
      }
      #expect(result.neighbors == result.neighbors.sorted(by: Neighbor.precedes))
      total += recall(result.neighbors, Array(truth.prefix(10)))
      // Without refine the distances are the index's approximate ones, and the plan says so.
      query.refineFactor = nil
      let rough = try run(query, source, [index])
      #expect(rough.plan.distancesAreApproximate)
      #expect(rough.plan.description.contains("_distance is approximate"))
    }
    #expect(total / 20 >= 0.6)
  }

  @Test func selectivePrefilterReturnsLimitRowsExactly() throws {
    let source = try makeQueryTestSource()
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: .l2, partitions: 8, approximate: true)
    var query = VectorQuery(vector: queryVector(7))
    query.nprobes = 1
    query.filter = "id < 40 OR id >= 880"  // 60 of 900 rows
    let result = try run(query, source, [index])
    let truth = try bruteForce(source, query: query.vector, metric: .l2, filter: query.filter)
    #expect(result.statistics.exactScanOfAllowedRows)
    #expect(result.statistics.prefilterAllowedRows == 60)
    #expect(result.neighbors.map(\.id) == truth.prefix(10).map(\.id))
    for (found, expected) in zip(result.neighbors, truth) {
      #expect(abs(found.distance - expected.distance) <= 1e-4 * max(1, expected.distance))
    }
  }

  @Test func prefilterWidensProbesUntilLimitRowsPass() throws {
    // 2,100 rows so that a filter passing 5% exceeds the exact-scan threshold (1,024 rows).
    let source = try makeQueryTestSource(fragments: 3, rows: 2000)
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: .l2, partitions: 16, approximate: false)
    var query = VectorQuery(vector: queryVector(8))
    query.nprobes = 1
    query.limit = 50
    query.filter = "price < 200"
    let result = try run(query, source, [index])
    #expect(!result.statistics.exactScanOfAllowedRows)
    #expect(result.neighbors.count == 50)
    let truth = try bruteForce(source, query: query.vector, metric: .l2, filter: query.filter)
    let passing = Set(truth.map(\.id))
    #expect(result.neighbors.allSatisfy { passing.contains($0.id) })
    #expect(result.statistics.indexSearches >= 1)
  }

  @Test func rowsAppendedAfterIndexingAreScannedExactlyUnlessFastSearch() throws {
    var source = try makeQueryTestSource()
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1], metric: .l2, partitions: 4, approximate: false)
    // Put the nearest rows into the uncovered fragment: copies of the query itself.
    let vector = queryVector(9)
    var extra = try makeQueryTestSource(fragments: 1, rows: 5, seed: 77).batches[0]
    extra = try RecordBatch(
      schema: extra.schema,
      columns: [
        extra.columns[0], extra.columns[1], extra.columns[2],
        try Column(vectors: Array(repeating: vector, count: 5), dimension: 16),
      ])
    source.append(extra)
    var query = VectorQuery(vector: vector)
    query.nprobes = 4
    let result = try run(query, source, [index])
    #expect(Set(result.neighbors.prefix(5).map(\.id)) == Set((0..<5).map { 3 << 32 | UInt64($0) }))
    #expect(result.neighbors.map(\.id) == (try bruteForce(source, query: vector, metric: .l2, filter: nil)).prefix(10).map(\.id))
    #expect(result.plan.description.contains("not covered by the index"))
    query.fastSearch = true
    let fast = try run(query, source, [index])
    #expect(fast.neighbors.allSatisfy { $0.id >> 32 < 3 })
    #expect(fast.plan.description.contains("fastSearch"))
  }

  @Test func metricOverrideNeverUsesAnIndexOfAnotherMetric() throws {
    let source = try makeQueryTestSource()
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: .cosine, partitions: 4, approximate: true)
    var query = VectorQuery(vector: queryVector(10))
    query.metric = .l2
    let result = try run(query, source, [index])
    #expect(result.plan.index == nil)
    #expect(result.plan.indexDecision.contains("metric l2 was requested but 'test_ivf' is cosine"))
    #expect(result.neighbors.map(\.id) == (try bruteForce(source, query: query.vector, metric: .l2, filter: nil)).prefix(10).map(\.id))
    query.metric = .cosine
    #expect(try run(query, source, [index]).plan.index != nil)
    query.bypassVectorIndex = true
    let bypassed = try run(query, source, [index])
    #expect(bypassed.plan.index == nil)
    #expect(bypassed.neighbors.map(\.id) == (try bruteForce(source, query: query.vector, metric: .cosine, filter: nil)).prefix(10).map(\.id))
  }

  @Test func projectionAddsDistanceAndRowId() throws {
    let source = try makeQueryTestSource()
    var query = VectorQuery(vector: queryVector(11))
    query.limit = 3
    query.columns = ["category", "id"]
    query.withRowId = true
    let plan = try QueryPlanner.plan(query, source: source, indexes: [])
    let batch = try VectorSearchExecutor(plan: plan, source: source).execute()
    #expect(batch.schema.names == ["category", "id", "_distance", "_rowid"])
    #expect(batch.rowCount == 3)
    let truth = try bruteForce(source, query: query.vector, metric: .l2, filter: nil).prefix(3)
    #expect(batch["_rowid"]!.values(as: UInt64.self) == truth.map(\.id))
    #expect(batch["id"]!.values(as: Int64.self) == truth.map { Int64($0.id >> 32) * 300 + Int64($0.id & 0xFFFF_FFFF) })
  }

  @Test func batchSearchEqualsSingleSearches() throws {
    let source = try makeQueryTestSource()
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1, 2], metric: .dot, partitions: 4, approximate: true)
    var query = VectorQuery(vector: queryVector(12))
    query.refineFactor = 2
    query.filter = "price > 100"
    let plan = try QueryPlanner.plan(query, source: source, indexes: [index])
    let executor = try VectorSearchExecutor(plan: plan, source: source)
    let vectors = (0..<9).map { queryVector(200 + UInt64($0)) }
    let batch = try executor.executeBatch(vectors)
    for (vector, result) in zip(vectors, batch) {
      #expect(result == (try executor.project(try executor.nearest(to: vector).neighbors)))
    }
  }

  @Test func prefilterCacheGivesTheSameAnswers() throws {
    var source = try makeQueryTestSource(fragments: 3, rows: 1000)
    source.delete(rowIds: [4, 1 << 32 | 9])
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1], metric: .l2, partitions: 8, approximate: true)
    let cache = PrefilterCache(capacity: 2)
    for filter in ["price < 100", "price < 900", nil, "price < 100", "category = 'a'"] as [String?] {
      var query = VectorQuery(vector: queryVector(21))
      query.filter = filter
      query.nprobes = 2
      let plan = try QueryPlanner.plan(query, source: source, indexes: [index])
      let cached = try VectorSearchExecutor(plan: plan, source: source, cache: cache)
      let again = try VectorSearchExecutor(plan: plan, source: source, cache: cache)
      let fresh = try VectorSearchExecutor(plan: plan, source: source)
      let expected = try fresh.nearest(to: query.vector).neighbors
      #expect(try cached.nearest(to: query.vector).neighbors == expected)
      #expect(try again.nearest(to: query.vector).neighbors == expected)
    }
  }

  @Test func badInputGivesTypedErrors() throws {
    let source = try makeQueryTestSource()
    func code(_ change: (inout VectorQuery) -> Void) -> QueryError.Code? {
      var query = VectorQuery(vector: queryVector(1))
      change(&query)
      do {
        _ = try QueryPlanner.plan(query, source: source, indexes: [])
        return nil
      } catch { return error.code }
    }
    #expect(code { $0.vector = [1, 2, 3] } == .dimensionMismatch)
    #expect(code { $0.vector[4] = .nan } == .invalidVector)
    #expect(code { $0.vector[0] = .infinity } == .invalidVector)
    #expect(code { $0.limit = 0 } == .invalidArgument)
    #expect(code { $0.limit = -3 } == .invalidArgument)
    #expect(code { $0.offset = -1 } == .invalidArgument)
    #expect(code { $0.nprobes = 0 } == .invalidArgument)
    #expect(code { $0.ef = 0 } == .invalidArgument)
    #expect(code { $0.refineFactor = 0 } == .invalidArgument)
    #expect(code { $0.distanceLowerBound = 2; $0.distanceUpperBound = 1 } == .invalidArgument)
    #expect(code { $0.columns = ["id", "nope"] } == .unknownColumn)
    #expect(code { $0.filter = "nope > 1" } == .unknownColumn)
    #expect(code { $0.filter = "price > 'x'" } == .typeMismatch)
    #expect(code { $0.filter = "price >" } == .syntaxError)
    #expect(code { $0.column = "price" } == .typeMismatch)
    #expect(code { $0.column = "missing" } == .unknownColumn)
    #expect(code { $0.columns = ["_distance", "id"] } == nil)
    do {
      var query = VectorQuery(vector: [1, 2])
      query.limit = 1
      _ = try QueryPlanner.plan(query, source: source, indexes: [])
    } catch {
      #expect(error.message == "the query vector has 2 dimensions but column 'vector' has 16")
    }
  }

  @Test func explainNamesIndexProbesCandidatesAndFilters() throws {
    var source = try makeQueryTestSource()
    source.delete(rowIds: [1])
    let index = try TestIVFIndex(
      source: source, fragments: [0, 1], metric: .l2, partitions: 8, approximate: true)
    var query = VectorQuery(vector: queryVector(13))
    query.limit = 2
    query.nprobes = 20
    query.refineFactor = 10
    query.filter = "price > 10 AND category IN ('a', 'b')"
    query.columns = ["id"]
    let text = try QueryPlanner.plan(query, source: source, indexes: [index]).description
    #expect(text.contains("Project [id, _distance]"))
    #expect(text.contains("Limit offset=0 limit=2"))
    #expect(text.contains("Refine exact l2 distances of 20 candidates (refine_factor 10)"))
    #expect(text.contains("ANN TEST_IVF_APPROX index 'test_ivf' on vector (metric l2), nprobes 8 of 8 partitions, k 20, fragments [0,1] (599 rows)"))
    #expect(text.contains("PreFilter ((price > 10 AND category IN ('a', 'b')))") || text.contains("PreFilter (price > 10 AND category IN ('a', 'b'))"))
    #expect(text.contains("DeletedRows excluded inside the scan (1 rows)"))
    #expect(text.contains("ExactScan vector (l2) fragments [2] (300 rows) not covered by the index"))
    #expect(text.contains("Index: 'test_ivf' (TEST_IVF_APPROX, l2)"))
  }
}
