import Foundation
import QuiverIndex
import QuiverKernels
import QuiverStorage
import QuiverTestSupport
import Testing

@Suite struct IVFBehaviourTests {
  /// Bytes of the index as written, for byte-exact comparisons.
  func writtenBytes(_ index: IVFIndex) throws -> [Data] {
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    return try [IVFIndexFiles.model, IVFIndexFiles.partitions].map {
      try Data(contentsOf: folder.appendingPathComponent($0))
    }
  }

  @Test(arguments: [IndexType.ivfPQ, .ivfSQ])
  func equalSeedsGiveIdenticalIndexesWhateverTheThreads(_ type: IndexType) throws {
    let one = try Fixture.build(type, .l2, numBits: 4, seed: 7, threads: 1)
    let two = try Fixture.build(type, .l2, numBits: 4, seed: 7, threads: 2)
    #expect(try writtenBytes(one) == writtenBytes(two))
    let other = try Fixture.build(type, .l2, numBits: 4, seed: 8, threads: 2)
    #expect(try writtenBytes(other) != writtenBytes(one))
  }

  @Test(arguments: DistanceMetric.allCases)
  func flatIndexProbingEverythingIsExact(_ metric: DistanceMetric) throws {
    let index = try Fixture.build(.ivfFlat, metric)
    for q in stride(from: 0, to: 100, by: 9) {
      let query = Fixture.queries.row(q)
      let found = try index.search(query, k: 10, nprobes: index.partitionCount)
      let exact = try TopK.select(10, from: metric.distances(from: query, to: Fixture.base.values))
      #expect(found.map(\.id) == exact.map(\.id))
      for (a, b) in zip(found, exact) { #expect(abs(a.distance - b.distance) < 1e-5) }
    }
  }

  @Test func filterIsAppliedInsideTheScan() throws {
    let index = try Fixture.build(.ivfFlat, .l2)
    let allowed = Fixture.rowIds.filter { $0 % 7 == 3 }
    let filter = RowSet(allowing: allowed)
    #expect(filter.count == allowed.count)
    #expect(filter.contains(3) && !filter.contains(4) && !filter.contains((1 << 32) | 3))
    for q in stride(from: 0, to: 100, by: 11) {
      let query = Fixture.queries.row(q)
      let found = try index.search(query, k: 10, nprobes: index.partitionCount, filter: filter)
      let all = try DistanceMetric.l2.distances(from: query, to: Fixture.base.values)
      var exact = TopK(k: 10)
      for id in allowed { exact.insert(id: id, distance: all[Int(id)]) }
      #expect(found.map(\.id) == exact.sorted().map(\.id))
    }
    // A filter with fewer allowed rows than k returns just those.
    let tiny = RowSet(allowing: [5, 17])
    let few = try index.search(
      Fixture.queries.row(0), k: 10, nprobes: index.partitionCount, filter: tiny)
    #expect(Set(few.map(\.id)) == [5, 17])
  }

  @Test func rankedPartitionsAreTheNearestCentroids() throws {
    let index = try Fixture.build(.ivfSQ, .cosine)
    let query = Fixture.queries.row(3)
    let ranked = try index.rankPartitions(query, count: 5)
    #expect(ranked.count == 5)
    #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.distance <= $1.distance })
    let all = try index.rankPartitions(query, count: 100)
    #expect(all.count == index.partitionCount)
    #expect(Array(all.prefix(5)) == ranked)
    #expect(all.map(\.rowCount).reduce(0, +) == 2000)
  }

  @Test func statisticsDescribeTheIndex() throws {
    var rowIds = Fixture.rowIds
    for i in 1000..<2000 { rowIds[i] = (7 << 32) | UInt64(i - 1000) }
    for i in 0..<1000 { rowIds[i] = (3 << 32) | UInt64(i) }
    let parameters = IVFIndexParameters(
      type: .ivfPQ, metric: .l2, numPartitions: 8, numSubVectors: 12, numBits: 4,
      maxIterations: 4)
    let index = try IVFIndexBuilder(parameters: parameters).build(
      vectors: Fixture.base.values, rowIds: rowIds, dimension: 384)
    let statistics = index.statistics
    #expect(statistics.fragmentIds == [3, 7])
    #expect(statistics.partitionSizes.count == 8 && statistics.partitionSizes.reduce(0, +) == 2000)
    #expect(statistics.partitionSizes.allSatisfy { $0 > 0 })
    #expect(statistics.bytesPerRow == 6 + 4)
    #expect(index.canServe(metric: .l2) && !index.canServe(metric: .cosine))
    let found = try index.search(Fixture.queries.row(0), k: 5, nprobes: 8)
    #expect(found.allSatisfy { rowIds.contains($0.id) })
  }

  @Test func defaultsDeriveFromTheData() {
    let parameters = IVFIndexParameters(type: .ivfPQ)
    #expect(parameters.resolvedPartitionCount(rowCount: 100_000) == 316)
    #expect(parameters.resolvedPartitionCount(rowCount: 3) == 2)
    // 4-bit codes by default: sub-vectors of at least 3 dimensions.
    #expect(parameters.numBits == 4)
    #expect(parameters.resolvedSubVectorCount(dimension: 384) == 128)
    #expect(parameters.resolvedSubVectorCount(dimension: 100) == 25)
    #expect(parameters.resolvedSubVectorCount(dimension: 7) == 1)
    // 8-bit codes: at least 8 dimensions.
    let eightBit = IVFIndexParameters(type: .ivfPQ, numBits: 8)
    #expect(eightBit.resolvedSubVectorCount(dimension: 384) == 48)
    #expect(eightBit.resolvedSubVectorCount(dimension: 100) == 10)
    #expect(eightBit.resolvedSubVectorCount(dimension: 7) == 1)
  }
}
