import Foundation
import QuiverIndex
import QuiverKernels
import QuiverTestSupport
import Testing

@Suite struct IVFRQPersistenceTests {
  static func files(in folder: URL) throws -> [Data] {
    try [IVFRQIndexFiles.model, IVFRQIndexFiles.partitions].map {
      try Data(contentsOf: folder.appendingPathComponent($0))
    }
  }

  @Test(arguments: [(DistanceMetric.l2, 1), (.cosine, 4), (.dot, 3)])
  func reopenedIndexAnswersIdenticallyAndRewritesTheSameBytes(
    metric: DistanceMetric, bits: Int
  ) throws {
    let index = try RaBitQFixture.build(metric, numBits: bits)
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let reopened = try VectorIndexFactory.open(.ivfRQ, at: folder)
    #expect(reopened.type == .ivfRQ)
    #expect(reopened.metric == metric)
    #expect(reopened.rowCount == index.rowCount)
    #expect(reopened.indexedFragmentIDs == [0])
    for q in 0..<Fixture.queries.count {
      let query = Fixture.queries.row(q)
      let before = try index.search(query, k: 20, nprobes: 3)
      let after = try reopened.search(query, k: 20, nprobes: 3, ef: nil, filter: nil)
      #expect(before == after)
    }
    let again = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: again) }
    try reopened.write(to: IndexFolder(local: again))
    #expect(try Self.files(in: folder) == Self.files(in: again))
  }

  @Test func buildsAreDeterministicForASeedOnAnyThreadCount() throws {
    let one = try TestPaths.temporaryDirectory()
    let two = try TestPaths.temporaryDirectory()
    let other = try TestPaths.temporaryDirectory()
    defer {
      for folder in [one, two, other] { try? FileManager.default.removeItem(at: folder) }
    }
    try RaBitQFixture.build(.l2, numBits: 2, threads: 1).write(to: one)
    try RaBitQFixture.build(.l2, numBits: 2, threads: 2).write(to: two)
    try RaBitQFixture.build(.l2, numBits: 2, seed: 43, threads: 2).write(to: other)
    #expect(try Self.files(in: one) == Self.files(in: two))
    #expect(try Self.files(in: one) != Self.files(in: other))
  }

  @Test func damagedFilesAreTypedErrors() throws {
    let index = try RaBitQFixture.build(.l2, numBits: 2)
    let folder = try TestPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    try index.write(to: folder)
    let model = folder.appendingPathComponent(IVFRQIndexFiles.model)
    let partitions = folder.appendingPathComponent(IVFRQIndexFiles.partitions)
    let goodModel = try Data(contentsOf: model)
    let goodPartitions = try Data(contentsOf: partitions)

    func expectCode(_ code: IndexError.Code, _ label: String, _ body: () throws -> Void) {
      do {
        try body()
        Issue.record("\(label): expected \(code)")
      } catch let error as IndexError {
        #expect(error.code == code, "\(label): \(error)")
      } catch {
        Issue.record("\(label): unexpected \(error)")
      }
    }

    var flipped = goodModel
    flipped[goodModel.count / 2] ^= 0x40
    try flipped.write(to: model)
    expectCode(.corruptFile, "flipped model byte") { _ = try IVFRQIndex.open(at: folder) }

    try Data(goodModel.prefix(goodModel.count - 3)).write(to: model)
    expectCode(.corruptFile, "truncated model") { _ = try IVFRQIndex.open(at: folder) }

    var newer = goodModel
    newer[8] = 9
    try newer.write(to: model)
    expectCode(.unsupportedVersion, "newer version") { _ = try IVFRQIndex.open(at: folder) }

    // Metadata that contradicts itself behind a valid checksum.
    try Self.forged(goodModel, replacing: "\"numBits\":2", with: "\"numBits\":9").write(to: model)
    expectCode(.corruptFile, "numBits 9") { _ = try IVFRQIndex.open(at: folder) }
    try Self.forged(goodModel, replacing: "\"numBits\":2", with: "\"numBits\":3").write(to: model)
    expectCode(.corruptFile, "numBits 3 with 2-bit rows") { _ = try IVFRQIndex.open(at: folder) }

    // The IVF reader refuses the IVF_RQ folder (no ivf.meta), the factory names the type.
    try goodModel.write(to: model)
    expectCode(.ioFailure, "opened as IVF_PQ") { _ = try VectorIndexFactory.open(.ivfPQ, at: folder) }

    var damaged = goodPartitions
    damaged[100] ^= 0x01  // inside partition 0
    try damaged.write(to: partitions)
    let opened = try IVFRQIndex.open(at: folder)
    expectCode(.corruptFile, "damaged partition") {
      _ = try opened.search(Fixture.queries.row(0), k: 10, nprobes: 16)
    }

    try Data(goodPartitions.prefix(goodPartitions.count / 2)).write(to: partitions)
    expectCode(.corruptFile, "truncated partitions") { _ = try IVFRQIndex.open(at: folder) }

    try FileManager.default.removeItem(at: partitions)
    expectCode(.ioFailure, "missing partitions") { _ = try IVFRQIndex.open(at: folder) }
  }

  /// `model` with `text` in its JSON replaced by `replacement` (same length) and the checksum
  /// recomputed, as a faulty writer would leave it.
  static func forged(_ model: Data, replacing text: String, with replacement: String) throws
    -> Data
  {
    var bytes = [UInt8](model)
    let needle = Array(text.utf8)
    let start = try #require(
      (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
    bytes.replaceSubrange(start..<(start + needle.count), with: Array(replacement.utf8))
    let checksum = CRC32C.checksum(Array(bytes[0..<(bytes.count - 16)]))
    withUnsafeBytes(of: checksum.littleEndian) {
      bytes.replaceSubrange((bytes.count - 16)..<(bytes.count - 12), with: $0)
    }
    return Data(bytes)
  }
}
