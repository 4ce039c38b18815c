import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

@Suite struct IVFEdgeCaseTests {
  @Test(arguments: [IndexType.ivfFlat, .ivfSQ])
  func oneRowOnePartition(_ type: IndexType) throws {
    let vector: [Float] = [0.5, -1, 2, 0]
    let index = try IVFIndexBuilder(
      parameters: IVFIndexParameters(type: type, metric: .l2, numPartitions: 1)
    ).build(vectors: vector, rowIds: [(9 << 32) | 4], dimension: 4)
    let found = try index.search([0.5, -1, 2, 1], k: 3, nprobes: 5)
    #expect(found.map(\.id) == [(9 << 32) | 4])
    #expect(abs(found[0].distance - 1) < 0.05)
    #expect(index.fragmentIds == [9])
  }

  @Test func identicalVectorsRepairEmptyClusters() throws {
    // 64 copies of one vector and 64 of another: 8 partitions cannot all be non-empty by
    // distance, so Lloyd splits the largest clusters; every row must stay findable.
    var vectors: [Float] = []
    for row in 0..<128 { vectors += row < 64 ? [1, 0, 0, 0] : [0, 1, 0, 0] }
    let rowIds = (0..<UInt64(128)).map { $0 }
    let index = try IVFIndexBuilder(
      parameters: IVFIndexParameters(type: .ivfFlat, metric: .l2, numPartitions: 8, seed: 3)
    ).build(vectors: vectors, rowIds: rowIds, dimension: 4)
    #expect(index.statistics.partitionSizes.reduce(0, +) == 128)
    let all = try index.search([1, 0, 0, 0], k: 128, nprobes: 8)
    #expect(Set(all.map(\.id)) == Set(rowIds))
    #expect(all.prefix(64).allSatisfy { $0.id < 64 && $0.distance == 0 })
  }

  @Test func cosineZeroVectorHasDistanceOne() throws {
    var generator = SeededGenerator(seed: 5)
    var vectors = generator.floats(50 * 8)
    for i in 0..<8 { vectors[i] = 0 }  // row 0 is the zero vector
    let index = try IVFIndexBuilder(
      parameters: IVFIndexParameters(type: .ivfFlat, metric: .cosine, numPartitions: 2)
    ).build(vectors: vectors, rowIds: (0..<UInt64(50)).map { $0 }, dimension: 8)
    let found = try index.search(generator.floats(8), k: 50, nprobes: 2)
    #expect(found.count == 50)
    #expect(found.first { $0.id == 0 }?.distance == 1)
    #expect(found.allSatisfy { !$0.distance.isNaN && $0.distance >= 0 && $0.distance <= 2 })
  }
}
