import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

struct PersistenceCase: Sendable, CustomStringConvertible {
  var type: IndexType
  var metric: DistanceMetric
  var numBits: Int
  var description: String { "\(type.rawValue) \(metric.rawValue) \(numBits)-bit" }
}

@Suite struct IVFPersistenceTests {
  static let cases = [
    PersistenceCase(type: .ivfFlat, metric: .l2, numBits: 8),
    PersistenceCase(type: .ivfPQ, metric: .cosine, numBits: 4),
    PersistenceCase(type: .ivfSQ, metric: .dot, numBits: 8),
  ]

  @Test(arguments: cases)
  func reopenedIndexAnswersIdentically(_ testCase: PersistenceCase) throws {
    let index = try Fixture.build(testCase.type, testCase.metric, numBits: testCase.numBits)
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let reopened = try IVFIndex.open(at: folder)
    #expect(reopened.partitionReads == 0)
    #expect(reopened.parameters == index.parameters)
    #expect(reopened.statistics == index.statistics)
    for q in 0..<Fixture.queries.count {
      let query = Fixture.queries.row(q)
      let before = try index.search(query, k: 20, nprobes: 3)
      let after = try reopened.search(query, k: 20, nprobes: 3)
      #expect(before == after)
    }
    #expect(reopened.partitionReads > 0)
    #expect(reopened.partitionReads <= index.partitionCount)
    // Writing the reopened index gives the same bytes.
    let again = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: again) }
    try reopened.write(to: again)
    for name in [IVFIndexFiles.model, IVFIndexFiles.partitions] {
      #expect(
        try Data(contentsOf: folder.appendingPathComponent(name))
          == Data(contentsOf: again.appendingPathComponent(name)))
    }
  }

  @Test func partitionsLoadOnDemandIntoABoundedCache() throws {
    let index = try Fixture.build(.ivfFlat, .l2)
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let reopened = try IVFIndex.open(at: folder, cacheCapacityBytes: 1)
    let query = Fixture.queries.row(0)
    _ = try reopened.search(query, k: 10, nprobes: 1)
    #expect(reopened.partitionReads == 1)
    #expect(reopened.cachedPartitionCount == 1)
    _ = try reopened.search(query, k: 10, nprobes: 1)
    #expect(reopened.partitionReads == 1)  // served from the cache
    _ = try reopened.search(query, k: 10, nprobes: 4)
    #expect(reopened.cachedPartitionCount == 1)  // bounded: older partitions evicted
    let roomy = try IVFIndex.open(at: folder)
    _ = try roomy.search(query, k: 10, nprobes: 4)
    #expect(roomy.cachedPartitionCount == 4)
  }

  @Test func damagedFilesAreRejected() throws {
    try IndexFileDamage.withFiles(
      of: try Fixture.build(.ivfSQ, .l2), model: IVFIndexFiles.model,
      partitions: IVFIndexFiles.partitions
    ) { files in
      try files.expectModelDamageRefused { _ = try IVFIndex.open(at: files.folder) }
      try files.expectPartitionDamageRefused(
        open: { try IVFIndex.open(at: files.folder) },
        search: { opened in
          _ = try opened.rankPartitions(Fixture.queries.row(0), count: 16)
          _ = try opened.search(Fixture.queries.row(0), k: 10, nprobes: 16)
        })
    }
  }
}
