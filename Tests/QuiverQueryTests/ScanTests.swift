import QuiverFormat
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
