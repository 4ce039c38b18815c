import Foundation
import Quiver
import QuiverKernels
import QuiverTestSupport
import Testing

/// An exact search returns the same distances, bit for bit, before and after a compaction moves
/// its rows into other fragments (issue 14): every kernel sums a row's distance in one order fixed
/// by the dimension, whatever the row's position in a fragment, a page or a kernel call.
@Suite struct ExactSearchAfterCompactionTests {
  static let base = try! MiniLMFixture.base()

  /// Fixture rows `rows` with their position as `id`.
  static func batch(_ rows: Range<Int>) throws -> RecordBatch {
    try RecordBatch([
      ("id", Column(rows.map { Int64($0) })),
      ("vector", try Column(vectors: rows.map { base.row($0) })),
    ])
  }

  /// Ids and distance bit patterns of an exact top 10 for each of `queries`.
  static func exactTop(_ table: Table, _ queries: [[Float]], metric: DistanceMetric) throws
    -> [[(id: Int64, distanceBits: UInt32)]]
  {
    try queries.map { query in
      let result = try table.search(query).metric(metric).limit(10).select(["id"]).execute()
      let ids = result["id"]!.values(as: Int64.self)
      let distances = result["_distance"]!.values(as: Float.self)
      return zip(ids, distances).map { ($0, $1.bitPattern) }
    }
  }

  @Test func exactDistancesSurviveACompactionThatRegroupsRows() throws {
    try withDatabase { db in
      // 600 rows, three small appends (rows in leftover positions of the kernel's groups), then
      // 300 more: compacted into one fragment of 1,000 rows (1.5 MB of vectors, scanned in one
      // call instead of five).
      let table = try db.createTable("t", data: try Self.batch(0..<600))
      for rows in [600..<633, 633..<666, 666..<700, 700..<1_000] {
        try table.add(try Self.batch(rows))
      }
      let fixtureQueries = try MiniLMFixture.queries()
      let queries = [0, 650, 999].map { Self.base.row($0) } + (0..<3).map { fixtureQueries.row($0) }
      let before = try DistanceMetric.allCases.map {
        try Self.exactTop(table, queries, metric: $0)
      }
      let compaction = try #require(
        try table.compact(CompactionOptions(targetRowsPerFragment: 1_000)))
      #expect(compaction.removedFragmentIDs.count == 5 && compaction.addedFragmentIDs.count == 1)
      for (metric, expected) in zip(DistanceMetric.allCases, before) {
        let after = try Self.exactTop(table, queries, metric: metric)
        for (query, (found, wanted)) in zip(after, expected).enumerated() {
          #expect(found.map(\.id) == wanted.map(\.id), "\(metric) query \(query)")
          let distances = found.map { Float(bitPattern: $0.distanceBits) }
          #expect(
            found.map(\.distanceBits) == wanted.map(\.distanceBits),
            "\(metric) query \(query): \(distances)")
        }
      }
    }
  }
}
