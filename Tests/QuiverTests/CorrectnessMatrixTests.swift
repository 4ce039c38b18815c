import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// The fixture as a table: 2,000 MiniLM vectors plus scalar columns made from the row number.
struct MatrixFixture: Sendable {
  let vectors: VectorMatrix<Float>
  let queries: VectorMatrix<Float>

  static let shared: MatrixFixture? = {
    let folder = TestPaths.fixtures.appendingPathComponent("minilm-2k")
    guard let vectors = try? VectorFiles.readFloats(folder.appendingPathComponent("base.fvecs")),
      let queries = try? VectorFiles.readFloats(
        folder.appendingPathComponent("query.fvecs"), limit: 12)
    else { return nil }
    return MatrixFixture(vectors: vectors, queries: queries)
  }()

  /// Reference distances from each query to each base row, per metric (computed once).
  static let referenceDistances: [DistanceMetric: [[Double]]] = {
    guard let fixture = shared else { return [:] }
    var result: [DistanceMetric: [[Double]]] = [:]
    fixture.vectors.values.withUnsafeBufferPointer { base in
      for metric in DistanceMetric.allCases {
        result[metric] = (0..<fixture.queries.count).map { queryIndex in
          let query = fixture.queries.row(queryIndex)
          return (0..<rowLimit).map { id in
            referenceDistance(metric, UnsafeBufferPointer(rebasing: base[(id * 384)..<((id + 1) * 384)]), query)
          }
        }
      }
    }
    return result
  }()

  /// Rows used by the matrix: `indexedRows` indexed, then `rowLimit - indexedRows` appended.
  static let indexedRows = 1000
  static let rowLimit = 1200

  static func category(_ id: Int) -> String { ["a", "b", "c", "d", "e"][id % 5] }
  static func price(_ id: Int) -> Double { Double((id * 37) % 1000) }

  /// Rows `range` as a batch.
  func batch(_ range: Range<Int>) throws -> RecordBatch {
    try RecordBatch([
      ("id", Column(range.map { Int64($0) })),
      ("category", Column(range.map { MatrixFixture.category($0) })),
      ("price", Column(range.map { MatrixFixture.price($0) })),
      ("vector", try Column(vectors: Array(vectors.values[(range.lowerBound * 384)..<(range.upperBound * 384)]), dimension: 384)),
    ])
  }
}

/// Distances computed here in Double, independently of the kernels.
func referenceDistance(_ metric: DistanceMetric, _ a: UnsafeBufferPointer<Float>, _ b: [Float]) -> Double {
  var dot = 0.0, normA = 0.0, normB = 0.0, l2 = 0.0
  for index in 0..<b.count {
    let dx = Double(a[index]), dy = Double(b[index])
    dot += dx * dy
    normA += dx * dx
    normB += dy * dy
    l2 += (dx - dy) * (dx - dy)
  }
  switch metric {
  case .l2: return l2
  case .dot: return 1 - dot
  case .cosine: return normA == 0 || normB == 0 ? 1 : 1 - dot / (normA * normB).squareRoot()
  }
}

/// A filter in the query language with the same condition written in Swift.
struct MatrixFilter: Sendable {
  let text: String
  let passes: @Sendable (Int) -> Bool
}

let deletedIds: Set<Int> = Set((0..<MatrixFixture.rowLimit).filter { ($0 * 13) % 10 == 0 })
let selectiveFilter = MatrixFilter(text: "price < 20 AND category != 'e'") {
  MatrixFixture.price($0) < 20 && MatrixFixture.category($0) != "e"
}
let broadFilter = MatrixFilter(text: "price < 700 OR category = 'a'") {
  MatrixFixture.price($0) < 700 || MatrixFixture.category($0) == "a"
}

@Suite struct CorrectnessMatrixTests {
  enum FilterMode: String, CaseIterable { case none, selectivePrefilter, broadPrefilter, postfilter }

  /// Every combination for one index type and metric: filter modes × {no deletions, deletions}
  /// × {all rows indexed, 200 rows appended after indexing}.
  @Test(
    arguments: ["none", "IVF_FLAT", "IVF_PQ", "IVF_SQ", "IVF_HNSW_SQ", "IVF_HNSW_PQ", "HNSW"],
    DistanceMetric.allCases)
  func resultsMatchBruteForce(indexType: String, metric: DistanceMetric) throws {
    let fixture = try #require(MatrixFixture.shared, "Fixtures/minilm-2k is missing")
    let folder = try TestPaths.temporaryDirectory("quiver-matrix")
    defer { try? FileManager.default.removeItem(at: folder) }
    let db = try Database(url: folder)
    let half = MatrixFixture.indexedRows / 2
    let table = try db.createTable(
      "t", data: [try fixture.batch(0..<half), try fixture.batch(half..<MatrixFixture.indexedRows)])
    let config: IndexConfig? = switch indexType {
    case "IVF_FLAT": .ivfFlat(metric: metric, numPartitions: 8)
    case "IVF_PQ":
      IndexConfig(
        type: .ivfPQ, metric: metric, numPartitions: 8, numSubVectors: 48, numBits: 4,
        maxIterations: 10)
    case "IVF_SQ": IndexConfig(type: .ivfSQ, metric: metric, numPartitions: 8, maxIterations: 10)
    case "IVF_HNSW_SQ":
      IndexConfig(
        type: .ivfHNSWSQ, metric: metric, numPartitions: 4, m: 8, efConstruction: 40,
        maxIterations: 10)
    case "IVF_HNSW_PQ":
      IndexConfig(
        type: .ivfHNSWPQ, metric: metric, numPartitions: 4, numSubVectors: 48, numBits: 4,
        m: 8, efConstruction: 40, maxIterations: 10)
    case "HNSW": .hnsw(metric: metric, m: 8, efConstruction: 40)
    default: nil
    }
    if let config { try table.createIndex(on: "vector", config) }
    let indexedVersion = table.version

    // States: (appended, deleted), reached through appends, deletes and restore.
    for state in [(false, false), (false, true), (true, false), (true, true)] {
      try table.restore(version: indexedVersion)
      if state.0 { try table.add(try fixture.batch(MatrixFixture.indexedRows..<MatrixFixture.rowLimit)) }
      if state.1 {
        let deleted = try table.delete(where: "id IN (\(deletedIds.sorted().map(String.init).joined(separator: ", ")))")
        #expect(deleted == deletedIds.filter { $0 < self.rowCount(state.0) }.count)
      }
      let rowCount = self.rowCount(state.0)
      for mode in FilterMode.allCases {
        try check(
          table: table, fixture: fixture, metric: metric, indexed: config != nil, mode: mode,
          rowCount: rowCount, deleted: state.1, label: "\(indexType) \(metric) \(mode) appended=\(state.0) deleted=\(state.1)")
      }
    }
  }

  func rowCount(_ appended: Bool) -> Int {
    appended ? MatrixFixture.rowLimit : MatrixFixture.indexedRows
  }

  func check(
    table: Table, fixture: MatrixFixture, metric: DistanceMetric, indexed: Bool, mode: FilterMode,
    rowCount: Int, deleted: Bool, label: String
  ) throws {
    let filter: MatrixFilter? = switch mode {
    case .none: nil
    case .selectivePrefilter: selectiveFilter
    case .broadPrefilter, .postfilter: broadFilter
    }
    var recallSum = 0.0
    for queryIndex in 0..<fixture.queries.count {
      let query = fixture.queries.row(queryIndex)
      // Brute force over live rows passing the filter.
      var truth: [(id: Int, distance: Double)] = []
      for id in 0..<rowCount where !(deleted && deletedIds.contains(id)) {
        if let filter, !filter.passes(id) { continue }
        truth.append((id, MatrixFixture.referenceDistances[metric]![queryIndex][id]))
      }
      truth.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.id < $1.id) }
      let exactById = Dictionary(uniqueKeysWithValues: truth.map { ($0.id, $0.distance) })

      var search = table.search(query).limit(10).metric(metric).select(["id"]).withRowId()
      if indexed { search = search.nprobes(4).refineFactor(10) }
      if let filter { search = search.where(filter.text, prefilter: mode != .postfilter) }
      let result = try search.execute()
      let ids = result["id"]!.values(as: Int64.self).map(Int.init)
      let distances = result["_distance"]!.values(as: Float.self)
      #expect(result["_rowid"]!.values(as: UInt64.self).count == ids.count, "\(label)")

      // Every returned row: live, passing, with its exact distance, in order.
      for (id, distance) in zip(ids, distances) {
        let exact = try #require(exactById[id], "\(label): row \(id) is deleted or fails the filter")
        #expect(abs(Double(distance) - exact) <= 1e-4 * max(1, abs(exact)), "\(label): row \(id) distance \(distance) vs \(exact)")
      }
      #expect(distances == distances.sorted(), "\(label)")
      #expect(Set(ids).count == ids.count, "\(label): duplicate rows")

      let exactPath = !indexed || mode == .selectivePrefilter
      if exactPath {
        // Identical answer: same distances position by position (ids may differ only in ties).
        #expect(ids.count == min(10, truth.count), "\(label)")
        for (position, distance) in distances.enumerated() {
          #expect(abs(Double(distance) - truth[position].distance) <= 1e-4 * max(1, truth[position].distance), "\(label) position \(position)")
        }
      } else if mode != .postfilter {
        #expect(ids.count == 10, "\(label): a prefilter must return limit rows")
      } else {
        #expect(ids.count <= 10, "\(label)")
      }
      let expected = Set(truth.prefix(10).map(\.id))
      if mode != .postfilter {
        recallSum += Double(ids.filter { expected.contains($0) }.count) / Double(max(1, expected.count))
      }
    }
    if mode != .postfilter {
      let recall = recallSum / Double(fixture.queries.count)
      let threshold = (!indexed || mode == .selectivePrefilter) ? 0.999 : 0.8
      #expect(recall >= threshold, "\(label): recall@10 \(recall)")
    }
  }
}
