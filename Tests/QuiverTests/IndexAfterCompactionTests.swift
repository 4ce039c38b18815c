import Foundation
import Quiver
import QuiverKernels
import QuiverTable
import QuiverTestSupport
import Testing

/// An index searched after a compaction rewrote some of the fragments it was built on: the
/// rows of those fragments are still in the index under their old row ids, and must not take
/// the places of rows it may return (issue 11: coverage was applied after top-k, so a search
/// could return fewer than `limit` rows).
@Suite struct IndexAfterCompactionTests {
  static let configurations: [IndexConfig] = [
    .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 4),
    .ivfFlat(metric: .l2, numPartitions: 4),
    .hnsw(metric: .l2, m: 8, efConstruction: 40),
    .ivfHNSWSQ(metric: .l2, numPartitions: 2, m: 8, efConstruction: 40),
  ]

  /// 8-d rows: `far` random ones, then rows within 0.01 of `center`.
  static func batch(_ range: Range<Int>, near center: [Float]?, seed: UInt64) throws
    -> RecordBatch
  {
    var generator = SeededGenerator(seed: seed)
    let vectors = range.map { _ in
      center.map { center in zip(center, generator.floats(8, in: -0.01...0.01)).map(+) }
        ?? generator.floats(8)
    }
    return try RecordBatch(columns: ["item": range.map { Int64($0) }, "vector": vectors])
  }

  @Test(arguments: configurations)
  func searchAfterCompactionReturnsLimitLiveRowsWithExactDistances(_ config: IndexConfig) throws {
    try withDatabase { db in
      let center: [Float] = [3, 3, 3, 3, 3, 3, 3, 3]
      // Fragment 0: 400 spread rows; fragments 1 and 2: 100 rows each, all near `center`.
      let table = try db.createTable("t", data: try Self.batch(0..<400, near: nil, seed: 1))
      try table.add(try Self.batch(400..<500, near: center, seed: 2))
      try table.add(try Self.batch(500..<600, near: center, seed: 3))
      try table.createIndex(on: "vector", config)
      // Keep 2 rows of each near fragment, then compact them into one new fragment: the index
      // still holds the 200 near rows under their old ids, and covers only fragment 0.
      #expect(try table.delete(where: "item >= 402 AND item < 500 OR item >= 502") == 196)
      var dataset = try Dataset.open(at: db.url.appendingPathComponent("t.quiver"))
      let compaction = try #require(
        try dataset.compact(CompactionOptions(targetRowsPerFragment: 300)))
      #expect(compaction.removedFragmentIDs == [1, 2])
      try table.checkoutLatest()
      #expect(table.indices.first?.fragmentIDs == [0])

      // Twice: an IVF_HNSW index learns on the first search which fragments it holds rows of.
      for _ in 0..<2 {
        let limit = 20
        let hits = try table.search(center).limit(limit).nprobes(4).refineFactor(5).withRowId()
          .select(["item", "vector"]).execute()
        #expect(hits.rowCount == limit)
        let items = hits["item"]!.values(as: Int64.self)
        let live = Set(try table.scan().select(["item"]).execute()["item"]!.values(as: Int64.self))
        #expect(items.allSatisfy { live.contains($0) })
        #expect(Set(items).count == limit)
        // The 4 near rows first, then the nearest of fragment 0, all with exact distances.
        #expect(Set(items.prefix(4)) == [400, 401, 500, 501])
        let distances = hits["_distance"]!.values(as: Float.self)
        for row in 0..<hits.rowCount {
          let vector = try #require(hits["vector"]!.vector(at: row))
          let exact = try DistanceMetric.l2.distance(center, vector)
          #expect(abs(distances[row] - exact) <= 1e-5 * max(1, exact), "row \(items[row])")
        }
      }
    }
  }
}
