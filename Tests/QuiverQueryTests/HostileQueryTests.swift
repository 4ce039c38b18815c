import QuiverFormat
import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

/// Counts and filters an attacker would send: each gives a typed error or a correct answer,
/// never a trap, a huge allocation or exponential time (issue 16).
@Suite struct HostileQueryTests {
  private func planError(_ query: VectorQuery, indexes: [any QueryVectorIndex] = []) throws
    -> QueryError?
  {
    let source = try makeQueryTestSource(fragments: 1, rows: 50)
    do {
      _ = try QueryPlanner.plan(query, source: source, indexes: indexes)
      return nil
    } catch {
      return error
    }
  }

  @Test(arguments: [
    (1_152_921_504_606_846_975, 0, nil),
    (Int.max, 0, nil),
    (10, Int.max, nil),
    (Int.max / 2, Int.max / 2 + 2, nil),
    (10, 0, 922_337_203_685_477_580),
    (100_000, 0, 100_000),
    (VectorQuery.maximumCandidateCount, 1, nil),
  ] as [(Int, Int, Int?)])
  func hugeLimitsAreInvalidArguments(limit: Int, offset: Int, refineFactor: Int?) throws {
    var query = VectorQuery(vector: [Float](repeating: 0.5, count: 16))
    query.limit = limit
    query.offset = offset
    query.refineFactor = refineFactor
    let error = try #require(try planError(query))
    #expect(error.code == .invalidArgument)
    #expect(error.message.contains("maximum"))
  }

  @Test func theLargestAllowedLimitSearchesASmallTable() throws {
    let source = try makeQueryTestSource(fragments: 1, rows: 50)
    var query = VectorQuery(vector: [Float](repeating: 0.5, count: 16))
    query.limit = VectorQuery.maximumCandidateCount
    let plan = try QueryPlanner.plan(query, source: source, indexes: [])
    let neighbors = try VectorSearchExecutor(plan: plan, source: source).nearest(to: query.vector)
    #expect(neighbors.neighbors.count == 50)
  }

  @Test func topKWithAHugeKHoldsOnlyWhatIsOffered() {
    var top = TopK(k: Int.max)
    for id in 0..<3 { top.insert(id: UInt64(id), distance: Float(3 - id)) }
    #expect(top.sorted().map(\.id) == [2, 1, 0])
  }

  @Test func aLongOrChainChecksAndEvaluates() throws {
    let terms = (0..<14_000).map { "id = \($0)" }.joined(separator: " OR ")
    let filter = try Filter(terms, columns: checkerColumns)
    #expect(FilterParser.treeDepth(of: filter.expression) <= 16)
    let batch = try RecordBatch([("id", Column([Int64(3), 20_000, 13_999]))])
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    #expect(truth.values == [TruthValues.trueValue, TruthValues.falseValue, TruthValues.trueValue])
  }

  @Test func aLongAndChainChecks() throws {
    let terms = (0..<50_000).map { "id <> \($0)" }.joined(separator: " AND ")
    let filter = try Filter(terms, columns: checkerColumns)
    let batch = try RecordBatch([("id", Column([Int64(3), 60_000]))])
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    #expect(truth.values == [TruthValues.falseValue, TruthValues.trueValue])
  }

  @Test func manyNegationsCostLinearTime() throws {
    // 60 NOTs (even): under the old checker this took 2⁶⁰ steps.
    let text = String(repeating: "NOT ", count: 60) + "flag"
    let filter = try Filter(text, columns: checkerColumns)
    let batch = try RecordBatch([("flag", Column([true, false]))])
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    #expect(truth.values == [TruthValues.trueValue, TruthValues.falseValue])
    let constant = try Filter(String(repeating: "NOT ", count: 61) + "TRUE", columns: checkerColumns)
    #expect(constant.bound == .constant(false))
  }

  @Test func deepNestingIsASyntaxError() {
    let nested = String(repeating: "NOT (", count: 100) + "flag" + String(repeating: ")", count: 100)
    #expect(throws: QueryError.self) { try Filter(nested, columns: checkerColumns) }
    let negations = String(repeating: "NOT ", count: 199) + "flag"
    do {
      _ = try Filter(negations, columns: checkerColumns)
      Issue.record("199 NOTs parsed")
    } catch {
      #expect(error.code == .syntaxError)
    }
  }

  @Test func shortChainsKeepTheirLeftLeaningShape() throws {
    #expect(try FilterParser.parse("a OR b OR c").description == "((a OR b) OR c)")
    #expect(
      try FilterParser.parse("a AND b AND c AND d AND e").description
        == "(((a AND b) AND (c AND d)) AND e)")
  }
}
