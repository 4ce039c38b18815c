import Foundation
import QuiverFormat
import QuiverKernels
import QuiverTestSupport
import Testing

/// `take` announces to its `StorageReader` (`prefetch`) every byte it then reads from pages with
/// row-checksum tables, so a file on object storage fetches them at once.
@Test(arguments: [NullPattern.none, .random])
func takeAnnouncesTheRowGroupsItReads(nulls: NullPattern) throws {
  let directory = try TestPaths.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: directory) }
  var random = SeededGenerator(seed: 41)
  let rowCount = 3_000
  let types: [DataType] = [
    .fixedSizeList(.float32, dimension: 7), .fixedSizeList(.uint8, dimension: 16),
  ]
  let fields = types.enumerated().map {
    Field("c\($0.offset)", $0.element, nullable: nulls != .none)
  }
  let batch = try RecordBatch(
    schema: try Schema(fields),
    columns: try types.map { try randomColumn($0, count: rowCount, nulls: nulls, using: &random) })
  let options = DataFileWriterOptions(pageSize: 4_096, synchronizeOnFinish: false)
  let (local, _) = try writeFile([batch], schema: batch.schema, options: options, in: directory)
  #expect(local.pages.allSatisfy { $0.count > 3 && $0.allSatisfy { $0.rowChecksums != nil } })

  let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent("data.qdf")))
  let recording = RecordingStorageReader(bytes)
  let reader = try DataFileReader(file: recording, location: "recorded")
  recording.clear()
  let rows = (0..<40).map { _ in Int.random(in: 0..<rowCount, using: &random) }
  #expect(try reader.take(rowOffsets: rows) == batch.take(rows: rows))
  #expect(recording.rangesPrefetched.count == 1)  // one announcement for both columns
  #expect(!recording.rangesRead.isEmpty)
  #expect(recording.everyReadWasPrefetched)
}
