import Foundation
import Quiver
import QuiverKernels
import QuiverTestSupport
import Testing

/// Rows found through an index over quantized codes merged with rows of an exact scan (fragments
/// the index does not cover): both sides must carry exact distances, so `_distance` means the
/// same for every row and the merge compares like with like.
@Suite struct ExactMergeTests {
  @Test("IVF_PQ without a refine factor: appended rows nearer than every indexed row come first")
  func appendedNearerRowsComeFirst() throws {
    let dimension = 64
    let indexedRows = 1_000
    var generator = SeededGenerator(seed: 71)
    let vectors = generator.floats(indexedRows * dimension)
    let queries = (0..<5).map { _ in generator.floats(dimension) }
    func squaredL2(_ a: ArraySlice<Float>, _ b: [Float]) -> Double {
      zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    }
    // For each query, ten rows at 0.9 × the distance of its nearest indexed row. Coarse PQ
    // codes (4 sub-vectors of 16 dimensions, 4 bits) shrink the indexed rows toward their
    // centroids, so their PQ distances fall below these rows' exact ones.
    var appended: [Float] = []
    var exact: [Int: Double] = [:]
    for (number, query) in queries.enumerated() {
      let nearest = (0..<indexedRows).map {
        squaredL2(vectors[($0 * dimension)..<(($0 + 1) * dimension)], query)
      }.min()!
      for copy in 0..<10 {
        let direction = generator.floats(dimension)
        let scale =
          (0.9 * nearest / squaredL2(direction[...], [Float](repeating: 0, count: dimension)))
          .squareRoot()
        let row = zip(query, direction).map { $0 + Float(scale) * $1 }
        exact[indexedRows + number * 10 + copy] = squaredL2(row[...], query)
        appended += row
      }
    }
    let folder = try TestPaths.temporaryDirectory("quiver-exact-merge")
    defer { try? FileManager.default.removeItem(at: folder) }
    func batch(_ ids: Range<Int>, _ values: [Float]) throws -> RecordBatch {
      try RecordBatch([
        ("id", Column(ids.map { Int64($0) })),
        ("vector", try Column(vectors: values, dimension: dimension)),
      ])
    }
    let table = try Database(url: folder).createTable(
      "t", data: try batch(0..<indexedRows, vectors))
    try table.createIndex(
      on: "vector",
      IndexConfig(type: .ivfPQ, metric: .l2, numPartitions: 4, numSubVectors: 4, numBits: 4))
    try table.add(try batch(indexedRows..<(indexedRows + 50), appended))

    for (number, query) in queries.enumerated() {
      let search = table.search(query).limit(10).nprobes(4).select(["id"])
      #expect(try search.statistics().refinedRows == 10, "indexed candidates re-ranked exactly")
      let result = try search.execute()
      let ids = result["id"]!.values(as: Int64.self).map(Int.init)
      let distances = result["_distance"]!.values(as: Float.self)
      let expected = Set((0..<10).map { indexedRows + number * 10 + $0 })
      #expect(Set(ids) == expected, "query \(number): \(ids)")
      for (id, distance) in zip(ids, distances) {
        let reference =
          exact[id] ?? squaredL2(vectors[(id * dimension)..<((id + 1) * dimension)], query)
        #expect(abs(Double(distance) - reference) <= 1e-4 * max(1, reference), "row \(id)")
      }
    }
  }
}
