import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// What our writers declare matches what pyarrow declares for the same columns (this always
/// runs; `ParquetPyarrowInteropTests` and `ArrowPyarrowInteropTests` also read our files with
/// pyarrow when it is installed): the Parquet footer's schema elements — physical, logical and
/// converted types, repetition, the three-level vector list — and the `ARROW:schema` it embeds,
/// and the Arrow IPC schema message, equal those of the pyarrow-written fixtures.
@Suite struct WriterMatchesPyarrowTests {
  /// The footer of the Parquet file `bytes`.
  private func footer(_ bytes: [UInt8]) throws -> ParquetFileMetadata {
    let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].reversed()
      .reduce(0) { $0 << 8 | Int($1) }
    var reader = ThriftCompactReader(
      Array(bytes[(bytes.count - 8 - length)..<(bytes.count - 8)]), context: "footer")
    return try ParquetFileMetadata.read(&reader)
  }

  /// The fields of the base64 `ARROW:schema` of `metadata`.
  private func arrowSchema(_ metadata: ParquetFileMetadata) throws -> [ArrowField] {
    let value = try #require(metadata.keyValues.first { $0.key == "ARROW:schema" }?.value)
    let bytes = try #require(Data(base64Encoded: value))
    return try #require(ArrowMetadata.fields(ofSchemaMessage: [UInt8](bytes), context: "schema"))
  }

  private func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  @Test(arguments: ["types-snappy.parquet", "float16-vector.parquet", "uint8-vector.parquet"])
  func parquetFooterDeclaresWhatPyarrowDeclares(fixture: String) throws {
    var reader = try ParquetReader(path: ExchangeFixtures.path(fixture))
    let folder = try TestPaths.temporaryDirectory("quiver-writer-footer")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    var writer = try ParquetWriter(
      path: path, schema: reader.schema, options: ParquetWriterOptions(compression: .snappy))
    while let batch = try reader.nextBatch() { try writer.write(batch) }
    try writer.finish()

    let theirs = try footer(fileBytes(ExchangeFixtures.path(fixture)))
    let ours = try footer(fileBytes(path))
    #expect(ours.schema.count == theirs.schema.count)
    for (mine, pyarrow) in zip(ours.schema, theirs.schema).dropFirst() {
      #expect(mine == pyarrow, "schema element '\(pyarrow.name)'")
    }
    #expect(try arrowSchema(ours) == arrowSchema(theirs))
    for (mine, pyarrow) in zip(ours.rowGroups[0].columns, theirs.rowGroups[0].columns) {
      #expect(mine.physicalType == pyarrow.physicalType && mine.path == pyarrow.path, "\(pyarrow.path)")
      #expect(mine.codec == pyarrow.codec, "\(pyarrow.path)")
    }
  }

  @Test(arguments: [ArrowWriter.Layout.file, .stream])
  func arrowSchemaMessageIsPyarrows(layout: ArrowWriter.Layout) throws {
    let theirs = try #require(
      ArrowMetadata.fields(
        ofSchemaMessage: Array(try fileBytes(ExchangeFixtures.path("types.arrow"))[8...]),
        context: "pyarrow"))
    try ArrowWriterTests.withWrittenFixture(layout: layout, codec: .uncompressed) { path, _ in
      let start = layout == .file ? 8 : 0
      let ours = try #require(
        ArrowMetadata.fields(
          ofSchemaMessage: Array(try fileBytes(path)[start...]), context: "ours"))
      #expect(ours == theirs)
    }
  }
}
