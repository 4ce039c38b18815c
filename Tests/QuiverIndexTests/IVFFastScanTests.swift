import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

/// 4-bit IVF_PQ, which scans fast-scan blocks: recall with a prefilter, the version 2 file
/// layout, and version 1 files (row-major codes) still read.
@Suite struct IVFFastScanTests {
  /// Recall@10 after an exact re-rank of 100 candidates, with a prefilter allowing rows whose id
  /// is a multiple of 3, against a Double-precision brute force over the allowed rows. Measured
  /// 0.85-0.91; a scan that mis-sums codes or mis-scales the byte table against the float row
  /// terms ranks partitions and rows wrongly and falls far below.
  @Test(arguments: [DistanceMetric.l2, .cosine, .dot])
  func prefilteredRefinedRecallReachesThreshold(metric: DistanceMetric) throws {
    let index = try Fixture.build(.ivfPQ, metric, numBits: 4)
    let allowed = Fixture.rowIds.filter { $0 % 3 == 0 }
    let filter = RowIDFilter(allowing: allowed)
    let dimension = Fixture.base.dimension
    func vector(_ id: UInt64) -> [Float] {
      Array(Fixture.base.values[(Int(id) * dimension)..<(Int(id) * dimension + dimension)])
    }
    var found: [[UInt64]] = []
    var truth: [[UInt64]] = []
    for q in 0..<Fixture.queries.count {
      let query = Fixture.queries.row(q)
      let candidates = try index.search(query, k: 100, nprobes: 16, filter: filter)
      #expect(candidates.allSatisfy { $0.id % 3 == 0 })
      #expect(candidates.count == 100)
      var refined = TopK(k: 10)
      for candidate in candidates {
        refined.insert(id: candidate.id, distance: try metric.distance(query, vector(candidate.id)))
      }
      found.append(refined.sorted().map(\.id))
      var exact: [(id: UInt64, distance: Double)] = allowed.map { id in
        (id, referenceDistance(metric, query, vector(id)))
      }
      exact.sort { (a, b) in a.distance < b.distance || (a.distance == b.distance && a.id < b.id) }
      truth.append(exact.prefix(10).map { $0.id })
    }
    let hits = zip(found, truth).reduce(0) { $0 + Set($1.0).intersection($1.1).count }
    let recall = Double(hits) / Double(10 * truth.count)
    print("RECALL IVF_PQ 4-bit \(metric.rawValue) prefiltered refined=\(recall)")
    #expect(recall >= 0.80)
  }

  /// The format version word of a file (after its 8-byte magic).
  static func formatVersion(_ url: URL) throws -> UInt32 {
    let bytes = try Data(contentsOf: url)
    return bytes[8..<12].reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }

  @Test func fourBitIndexesAreWrittenAsVersionTwoAndOthersAsVersionOne() throws {
    for (bits, version) in [(4, UInt32(2)), (8, UInt32(1))] {
      let index = try Fixture.build(.ivfPQ, .l2, numBits: bits)
      let folder = try TestPaths.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: folder) }
      try index.write(to: folder)
      for name in [IVFIndexFiles.model, IVFIndexFiles.partitions] {
        #expect(try Self.formatVersion(folder.appendingPathComponent(name)) == version)
      }
      let reopened = try IVFIndex.open(at: folder)
      let query = Fixture.queries.row(5)
      #expect(try reopened.search(query, k: 20, nprobes: 4) == index.search(query, k: 20, nprobes: 4))
    }
  }

  /// Fixtures/ivf-pq4-v1 was written by the version 1 writer (row-major 4-bit codes) from the
  /// same data and parameters as `Fixture.build(.ivfPQ, .l2, numBits: 4, seed: 42)`, so the
  /// opened fixture must answer exactly as a fresh build, and rewriting it gives version 2.
  @Test func versionOneFourBitFixtureReadsAndAnswersAsAFreshBuild() throws {
    let fixture = TestPaths.fixtures.appendingPathComponent("ivf-pq4-v1")
    #expect(try Self.formatVersion(fixture.appendingPathComponent(IVFIndexFiles.model)) == 1)
    let opened = try IVFIndex.open(at: fixture)
    let built = try Fixture.build(.ivfPQ, .l2, numBits: 4, seed: 42, threads: 1)
    for q in 0..<Fixture.queries.count {
      let query = Fixture.queries.row(q)
      #expect(try opened.search(query, k: 20, nprobes: 5) == built.search(query, k: 20, nprobes: 5))
    }
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try opened.write(to: folder)
    #expect(try Self.formatVersion(folder.appendingPathComponent(IVFIndexFiles.model)) == 2)
    let rewritten = try IVFIndex.open(at: folder)
    let query = Fixture.queries.row(7)
    #expect(try rewritten.search(query, k: 20, nprobes: 5) == built.search(query, k: 20, nprobes: 5))
  }
}
