import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// `VectorIndex.appending` adds rows to a trained index without retraining, and
/// `remappingRowIDs` moves or drops rows, for every index type (issue 12, `optimize()`).
@Suite("Adding rows to and remapping a trained index")
struct IndexAppendTests {
  static let indexed = 1_800
  static let dimension = 384
  /// Row ids: the first 1,800 fixture rows in fragment 0, the last 200 in fragment 1; the
  /// offset is the fixture position, so ground truth ids map back by their low 32 bits.
  static func rowId(_ position: Int) -> UInt64 {
    position < indexed ? UInt64(position) : RowID.make(fragmentID: 1, offset: UInt32(position))
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var type: IndexType
    var metric: DistanceMetric
    var numBits = 8
    /// How far below a full build's recall the appended index may fall.
    var recallTolerance = 0.03
    var testDescription: String { "\(type.rawValue) \(metric.rawValue) \(numBits)-bit" }
  }

  static let cases: [Case] = [
    Case(type: .ivfFlat, metric: .l2), Case(type: .ivfPQ, metric: .l2),
    Case(type: .ivfPQ, metric: .cosine, numBits: 4), Case(type: .ivfSQ, metric: .dot),
    Case(type: .hnsw, metric: .cosine), Case(type: .ivfHNSWSQ, metric: .l2),
    Case(type: .ivfHNSWPQ, metric: .cosine),
    Case(type: .ivfRQ, metric: .l2, numBits: 4, recallTolerance: 0.01),
    Case(type: .ivfRQ, metric: .cosine, numBits: 1, recallTolerance: 0.01),
    Case(type: .ivfRQ, metric: .dot, numBits: 2, recallTolerance: 0.01),
  ]

  static func build(_ testCase: Case, rows: Range<Int>) throws -> any VectorIndex {
    let base = HNSWTestData.base
    return try VectorIndexFactory.build(
      vectors: Array(base.values[(rows.lowerBound * dimension)..<(rows.upperBound * dimension)]),
      rowIds: rows.map(rowId), dimension: dimension,
      parameters: IVFIndexParameters(
        type: testCase.type, metric: testCase.metric, numPartitions: 4, numSubVectors: 48,
        numBits: testCase.numBits),
      graph: HNSWParameters(m: 12, efConstruction: 64, seed: 5))
  }

  /// Recall@10 over the fixture queries, every partition probed.
  static func recall(_ index: any VectorIndex, metric: DistanceMetric) throws -> Double {
    try HNSWTestData.recallAt10(metric: metric) { query in
      try index.search(query, k: 10, nprobes: 4, ef: 64, filter: nil).map {
        Neighbor(id: UInt64(RowID.offset($0.id)), distance: $0.distance)
      }
    }
  }

  @Test(arguments: cases)
  func appendedRowsAreFoundAndRecallMatchesAFullBuild(_ testCase: Case) throws {
    let base = HNSWTestData.base
    let trained = try Self.build(testCase, rows: 0..<Self.indexed)
    let newRows = Self.indexed..<base.count
    let appended = try trained.appending(
      vectors: Array(base.values[(Self.indexed * Self.dimension)...]),
      rowIds: newRows.map(Self.rowId))
    #expect(trained.rowCount == Self.indexed)
    #expect(appended.rowCount == base.count && appended.type == testCase.type)
    #expect(appended.indexedFragmentIDs == [0, 1])

    // Written to a new folder and reopened, it answers as in memory.
    let folder = try TestPaths.temporaryDirectory("index-append")
    defer { try? FileManager.default.removeItem(at: folder) }
    try appended.write(to: IndexFolder(local: folder))
    let reopened = try VectorIndexFactory.open(testCase.type, at: folder)
    #expect(reopened.rowCount == base.count)

    // Each appended row is among its own 10 nearest through the index.
    var selfFound = 0
    for position in newRows {
      let found = try reopened.search(base.row(position), k: 10, nprobes: 4, ef: 64, filter: nil)
      if found.contains(where: { $0.id == Self.rowId(position) }) { selfFound += 1 }
    }
    #expect(selfFound >= newRows.count * 95 / 100, "\(selfFound) of \(newRows.count)")

    let full = try Self.build(testCase, rows: 0..<base.count)
    let appendedRecall = try Self.recall(reopened, metric: testCase.metric)
    let fullRecall = try Self.recall(full, metric: testCase.metric)
    #expect(
      appendedRecall >= fullRecall - testCase.recallTolerance,
      "appended \(appendedRecall), full \(fullRecall)")
  }

  @Test(arguments: [cases[0], cases[2], cases[4], cases[6], cases[7], cases[8]])
  func remappingMovesKeptRowsAndDropsTheOthers(_ testCase: Case) throws {
    let base = HNSWTestData.base
    let trained = try Self.build(testCase, rows: 0..<Self.indexed)
    // Even offsets move to fragment 7; odd ones are dropped.
    let remapped = try trained.remappingRowIDs { rowId in
      RowID.offset(rowId) % 2 == 0 ? RowID.make(fragmentID: 7, offset: RowID.offset(rowId)) : nil
    }
    #expect(remapped.rowCount == Self.indexed / 2)
    #expect(remapped.indexedFragmentIDs == [7])
    var selfFound = 0
    for position in stride(from: 0, to: Self.indexed, by: 9) {
      let found = try remapped.search(base.row(position), k: 10, nprobes: 4, ef: 64, filter: nil)
      #expect(found.allSatisfy { RowID.fragmentID($0.id) == 7 && RowID.offset($0.id) % 2 == 0 })
      let moved = RowID.make(fragmentID: 7, offset: UInt32(position))
      if position % 2 == 0, found.contains(where: { $0.id == moved }) { selfFound += 1 }
    }
    let kept = Self.indexed / 18  // positions 0, 18, …: even and a multiple of 9
    #expect(selfFound >= kept * 95 / 100, "\(selfFound) of \(kept)")
  }
}
