import QuiverFormat
import QuiverKernels
import QuiverQuery
import Testing

@Suite struct ScanTests {
  @Test func filteredProjectedScanWithOffsetAndLimit() throws {
    var source = try makeQueryTestSource()
    source.delete(rowIds: [2, 1 << 32 | 0])
    let filter = "price < 500 AND category = 'a'"
    let scan = try ScanExecutor(source: source, filter: filter)
    let truth = try bruteForce(source, query: [Float](repeating: 0, count: 16), metric: .l2, filter: filter)
      .map(\.id).sorted()
    #expect(try scan.matchingRowIds() == truth)
    #expect(try scan.count() == truth.count)
    var query = ScanQuery()
    query.columns = ["id", "category"]
    query.withRowId = true
    query.offset = 3
    query.limit = 20
    let batch = try scan.execute(query)
    #expect(batch.schema.names == ["id", "category", "_rowid"])
    #expect(batch["_rowid"]!.values(as: UInt64.self) == Array(truth.dropFirst(3).prefix(20)))
    #expect(batch["category"]!.strings.allSatisfy { $0 == "a" })
    query.limit = 0
    #expect(try scan.execute(query).rowCount == 0)
  }

  @Test func countWithoutFilterCountsLiveRows() throws {
    var source = try makeQueryTestSource()
    source.delete(rowIds: [2, 3, 4])
    #expect(try ScanExecutor(source: source, filter: nil).count() == 897)
    #expect(try ScanExecutor(source: source, filter: "price IS NULL").count() == 3 * 28)  // rows 0, 11, …, 297 of each fragment
  }

  @Test func badScanInput() throws {
    let source = try makeQueryTestSource()
    #expect(throws: QueryError.self) { try ScanExecutor(source: source, filter: "nope = 1") }
    var query = ScanQuery()
    query.columns = ["nope"]
    #expect(throws: QueryError.self) { try ScanExecutor(source: source, filter: nil).execute(query) }
    query = ScanQuery()
    query.offset = -1
    #expect(throws: QueryError.self) { try ScanExecutor(source: source, filter: nil).execute(query) }
  }
}

/// Counts the batches a source hands out.
final class ScanCounter: @unchecked Sendable {
  var batches = 0
}

struct CountingSource: QueryDataSource {
  var inner: InMemoryDataSource
  let counter = ScanCounter()
  var schema: Schema { inner.schema }
  var fragments: [QueryFragment] { inner.fragments }
  func scan(
    _ fragment: QueryFragment, columns: [String], _ body: (Int, RecordBatch) throws -> Void
  ) throws {
    try inner.scan(fragment, columns: columns) { first, batch in
      counter.batches += 1
      try body(first, batch)
    }
  }
  func take(rowIds: [UInt64], columns: [String]) throws -> RecordBatch {
    try inner.take(rowIds: rowIds, columns: columns)
  }
  func pageStatistics(_ fragment: QueryFragment, column: String) -> [PageRangeStatistics]? {
    inner.pageStatistics(fragment, column: column)
  }
}

@Suite struct PageSkippingTests {
  @Test func statisticsSkipFragmentsAndBatchesWithoutChangingAnswers() throws {
    var plain = try makeQueryTestSource(fragments: 3, rows: 300)
    plain.scanBatchRows = 50
    var withStatistics = plain
    withStatistics.statisticsPageRows = 50
    // ids are ascending (fragment f holds 300f ..< 300f + 300): "id < 60" lives in the first
    // 60 rows of fragment 0, so two of its six batches and both other fragments are skipped.
    for filter in ["id < 60", "id >= 880 OR price < 5", "category = 'a'", "price IS NULL AND id < 400"] {
      let counting = CountingSource(inner: withStatistics)
      let expected = try ScanExecutor(source: plain, filter: filter).matchingRowIds()
      #expect(try ScanExecutor(source: counting, filter: filter).matchingRowIds() == expected)
      var query = VectorQuery(vector: [Float](repeating: 0.1, count: 16))
      query.filter = filter
      let plan = try QueryPlanner.plan(query, source: counting, indexes: [])
      let fast = try VectorSearchExecutor(plan: plan, source: counting).nearest(to: query.vector)
      let slow = try VectorSearchExecutor(
        plan: try QueryPlanner.plan(query, source: plain, indexes: []), source: plain
      ).nearest(to: query.vector)
      #expect(fast.neighbors == slow.neighbors)
    }
    let counting = CountingSource(inner: withStatistics)
    _ = try ScanExecutor(source: counting, filter: "id < 60").matchingRowIds()
    #expect(counting.counter.batches == 6)  // fragment 0 only; its batches past row 60 skip evaluation
    let unpruned = CountingSource(inner: plain)
    _ = try ScanExecutor(source: unpruned, filter: "id < 60").matchingRowIds()
    #expect(unpruned.counter.batches == 18)
  }
}
