import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// What `ParquetWriter` writes reads back identically, in every codec and layout.
@Suite struct ParquetWriterTests {
  private func readAll(_ path: String) throws -> [RecordBatch] {
    var reader = try ParquetReader(path: path)
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return batches
  }

  static let codecs: [CompressionCodec] = [.uncompressed, .snappy, .gzip, .zstd]

  @Test(arguments: codecs)
  func fixtureRoundTripsThroughTheWriter(codec: CompressionCodec) throws {
    let original = try readAll(ExchangeFixtures.path("types-snappy.parquet"))
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-writer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    var writer = try ParquetWriter(
      path: path, schema: original[0].schema,
      options: ParquetWriterOptions(compression: codec, rowGroupRows: 3, dataPageBytes: 16))
    for batch in original { try writer.write(batch) }
    try writer.finish()
    let again = try readAll(path)
    #expect(again.map(\.rowCount) == [3, 3, 3, 1])
    #expect(try RecordBatch.concatenate(again) == RecordBatch.concatenate(original))
    try ExchangeFixtures.expectTypesRows(again)
  }

  @Test(arguments: [true, false])
  func dictionaryAndPlainPagesRoundTrip(dictionary: Bool) throws {
    let count = 1000
    let batch = try RecordBatch(columns: [
      "few": (0..<count).map { Int64($0 % 7) },
      "many": (0..<count).map { Int64($0 * 7919) },
      "label": (0..<count).map { $0 % 5 == 0 ? nil : "label \($0 % 3)" } as [String?],
      "vector": (0..<count).map { row in (0..<8).map { Float(row) + Float($0) / 8 } } as [[Float]],
    ])
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-writer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    var writer = try ParquetWriter(
      path: path, schema: batch.schema,
      options: ParquetWriterOptions(dataPageBytes: 512, dictionary: dictionary))
    try writer.write(batch)
    try writer.finish()
    #expect(try RecordBatch.concatenate(readAll(path)) == batch)
  }

  @Test func nothingAppearsUntilFinish() throws {
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-writer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    let batch = try RecordBatch(columns: ["id": [1, 2, 3]])
    var writer = try ParquetWriter(path: path, schema: batch.schema)
    try writer.write(batch)
    #expect(!FileManager.default.fileExists(atPath: path))
    writer.abandon()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func rejectsABatchOfAnotherSchema() throws {
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-writer")
    defer { try? FileManager.default.removeItem(at: folder) }
    var writer = try ParquetWriter(
      path: folder.appendingPathComponent("out.parquet").path,
      schema: try RecordBatch(columns: ["id": [1]]).schema)
    #expect(throws: ExchangeError.self) {
      try writer.write(try RecordBatch(columns: ["name": ["a"]]))
    }
    writer.abandon()
  }
}

/// pyarrow and pandas read what `ParquetWriter` writes with the same values (runs only when
/// `python3 -c "import pyarrow, pandas"` works, or `$QUIVER_PYTHON` names such a Python).
@Suite(.enabled(if: PythonInterop.hasPyarrow)) struct ParquetPyarrowInteropTests {
  @Test(arguments: ParquetWriterTests.codecs)
  func pyarrowReadsWhatWeWrite(codec: CompressionCodec) throws {
    var reader = try ParquetReader(path: ExchangeFixtures.path("types-zstd.parquet"))
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-pyarrow")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    var writer = try ParquetWriter(
      path: path, schema: reader.schema, options: ParquetWriterOptions(compression: codec))
    while let batch = try reader.nextBatch() { try writer.write(batch) }
    try writer.finish()
    let read = try #require(try PythonInterop.read(path), "pyarrow or pandas failed on \(path)")
    try ExchangeFixtures.expectColumnValues(read)
  }
}
