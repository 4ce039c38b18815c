import Foundation
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// The checked-in fixture reads back with the documented shapes, and its ground truth is exact.
@Suite struct FixtureTests {
  @Test func shapesMatchTheReadme() throws {
    let base = try MiniLMFixture.base()
    let queries = try MiniLMFixture.queries()
    #expect(base.count == 2000 && base.dimension == 384)
    #expect(queries.count == 100 && queries.dimension == 384)
    for metric in ["l2", "cosine", "dot"] {
      let truth = try MiniLMFixture.groundTruth(metric)
      #expect(truth.count == 100 && truth.dimension == 100)
    }
  }

  @Test(arguments: DistanceMetric.allCases)
  func groundTruthMatchesBruteForce(metric: DistanceMetric) throws {
    let base = try MiniLMFixture.base()
    let queries = try MiniLMFixture.queries()
    let truth = try MiniLMFixture.groundTruth(metric.rawValue)
    let distances = try MiniLMFixture.groundTruthDistances(metric.rawValue)
    for query in stride(from: 0, to: 100, by: 17) {
      let all = try metric.distances(from: queries.row(query), to: base.values)
      let top = try TopK.select(10, from: all)
      // float32 kernels may swap near-ties; the distances must agree to rounding.
      for rank in 0..<10 {
        #expect(abs(top[rank].distance - distances.values[query * 100 + rank]) < 1e-4)
      }
      let exact = Set(truth.row(query).prefix(10).map { UInt64($0) })
      #expect(Set(top.map(\.id)).intersection(exact).count >= 9)
    }
  }

  @Test func writeThenReadIsByteExact() throws {
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var generator = SeededGenerator(seed: 7)
    let matrix = VectorMatrix(dimension: 5, count: 3, values: generator.floats(15))
    let url = folder.appendingPathComponent("m.fvecs")
    try VectorFiles.writeFloats(matrix, to: url)
    let back = try VectorFiles.readFloats(url)
    #expect(back.values == matrix.values && back.dimension == 5 && back.count == 3)
    #expect(try Data(contentsOf: url).count == 3 * 4 * 6)
    let truncated = folder.appendingPathComponent("t.fvecs")
    try Data(try Data(contentsOf: url).dropLast(2)).write(to: truncated)
    let error = #expect(throws: ExchangeError.self) { try VectorFiles.readFloats(truncated) }
    #expect(error?.code == .truncatedFile)
  }
}
