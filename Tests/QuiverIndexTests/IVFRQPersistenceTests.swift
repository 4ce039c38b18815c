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
    try IndexFileDamage.withFiles(
      of: try RaBitQFixture.build(.l2, numBits: 2), model: IVFRQIndexFiles.model,
      partitions: IVFRQIndexFiles.partitions
    ) { files in
      let folder = files.folder
      try files.expectModelDamageRefused { _ = try IVFRQIndex.open(at: folder) }

      // Metadata that contradicts itself behind a valid checksum.
      for (numBits, label) in [("9", "numBits 9"), ("3", "numBits 3 with 2-bit rows")] {
        try Self.forged(files.goodModel, replacing: "\"numBits\":2", with: "\"numBits\":\(numBits)")
          .write(to: files.model)
        IndexFileDamage.expect(.corruptFile, label) { _ = try IVFRQIndex.open(at: folder) }
      }

      // The IVF reader refuses the IVF_RQ folder (no ivf.meta), the factory names the type.
      try files.goodModel.write(to: files.model)
      IndexFileDamage.expect(.ioFailure, "opened as IVF_PQ") {
        _ = try VectorIndexFactory.open(.ivfPQ, at: folder)
      }

      try files.expectPartitionDamageRefused(
        open: { try IVFRQIndex.open(at: folder) },
        search: { opened in _ = try opened.search(Fixture.queries.row(0), k: 10, nprobes: 16) })
    }
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
