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
    let index = try Fixture.build(.ivfSQ, .l2)
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let model = folder.appendingPathComponent(IVFIndexFiles.model)
    let partitions = folder.appendingPathComponent(IVFIndexFiles.partitions)
    let goodModel = try Data(contentsOf: model)
    let goodPartitions = try Data(contentsOf: partitions)

    func expectCode(_ code: IndexError.Code, _ body: () throws -> Void) {
      do {
        try body()
        Issue.record("expected \(code)")
      } catch let error as IndexError {
        #expect(error.code == code, "\(error)")
      } catch {
        Issue.record("unexpected \(error)")
      }
    }

    var flipped = goodModel
    flipped[goodModel.count / 2] ^= 0x40
    try flipped.write(to: model)
    expectCode(.corruptFile) { _ = try IVFIndex.open(at: folder) }

    try Data(goodModel.prefix(goodModel.count - 3)).write(to: model)
    expectCode(.corruptFile) { _ = try IVFIndex.open(at: folder) }

    var newer = goodModel
    newer[8] = 9
    try newer.write(to: model)
    expectCode(.unsupportedVersion) { _ = try IVFIndex.open(at: folder) }

    try goodModel.write(to: model)
    var damaged = goodPartitions
    damaged[100] ^= 0x01  // inside partition 0
    try damaged.write(to: partitions)
    let opened = try IVFIndex.open(at: folder)
    expectCode(.corruptFile) {
      for p in 0..<opened.partitionCount {
        let centroidQuery = try opened.rankPartitions(Fixture.queries.row(0), count: 16)
        _ = centroidQuery
        _ = p
      }
      _ = try opened.search(Fixture.queries.row(0), k: 10, nprobes: 16)
    }

    try Data(goodPartitions.prefix(goodPartitions.count / 2)).write(to: partitions)
    expectCode(.corruptFile) { _ = try IVFIndex.open(at: folder) }

    try FileManager.default.removeItem(at: partitions)
    expectCode(.ioFailure) { _ = try IVFIndex.open(at: folder) }
  }
}
