import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// What `ArrowWriter` writes reads back identically, in both layouts, compressed or not.
@Suite struct ArrowWriterTests {
  static let variants: [(ArrowWriter.Layout, CompressionCodec)] = [
    (.file, .uncompressed), (.stream, .uncompressed), (.file, .zstd), (.stream, .zstd),
  ]

  /// Writes the "types" fixture's batches with `layout` and `codec` into a file in a new folder
  /// and runs `body` with its path and the batches; removes the folder afterwards.
  static func withWrittenFixture(
    layout: ArrowWriter.Layout, codec: CompressionCodec,
    _ body: (_ path: String, _ original: [RecordBatch]) throws -> Void
  ) throws {
    let folder = try TestPaths.temporaryDirectory("quiver-arrow-writer")
    defer { try? FileManager.default.removeItem(at: folder) }
    var reader = try ArrowReader(path: ExchangeFixtures.path("types.arrow"))
    var original: [RecordBatch] = []
    while let batch = try reader.nextBatch() { original.append(batch) }
    let path = folder.appendingPathComponent(layout == .file ? "out.arrow" : "out.arrows").path
    var writer = try ArrowWriter(
      path: path, schema: reader.schema, layout: layout, compression: codec)
    for batch in original { try writer.write(batch) }
    try writer.finish()
    try body(path, original)
  }

  @Test(arguments: 0..<4)
  func roundTrips(variant: Int) throws {
    let (layout, codec) = Self.variants[variant]
    try Self.withWrittenFixture(layout: layout, codec: codec) { path, original in
      var reader = try ArrowReader(path: path)
      var again: [RecordBatch] = []
      while let batch = try reader.nextBatch() { again.append(batch) }
      #expect(again == original)
      try ExchangeFixtures.expectTypesRows(again)
    }
  }

  @Test func truncatedFileNamesTheFile() throws {
    try Self.withWrittenFixture(layout: .stream, codec: .uncompressed) { path, _ in
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      bytes.removeLast(bytes.count / 3)
      try bytes.write(to: URL(fileURLWithPath: path))
      do {
        var reader = try ArrowReader(path: path)
        while try reader.nextBatch() != nil {}
        Issue.record("no error")
      } catch let error as ExchangeError {
        #expect(error.code == .truncatedFile, "\(error)")
        #expect(error.message.hasPrefix(path))
        #expect(error.message.contains("message at byte"))
      }
    }
  }

  @Test func corruptBufferNamesTheRecordBatch() throws {
    try Self.withWrittenFixture(layout: .stream, codec: .zstd) { path, _ in
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      // Damage the compressed buffers of the last record batch (before the 8-byte end marker).
      for index in (bytes.count - 120)..<(bytes.count - 16) { bytes[index] ^= 0x5A }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      do {
        var reader = try ArrowReader(path: path)
        while try reader.nextBatch() != nil {}
        Issue.record("no error")
      } catch let error as ExchangeError {
        #expect(error.message.contains("record batch 2"), "\(error)")
        #expect(!error.message.contains("\n"))
      }
    }
  }
}

/// pyarrow reads what `ArrowWriter` and `ParquetWriter` write with the same values and the
/// pyarrow types (runs only when pyarrow is available, as `ParquetPyarrowInteropTests`).
@Suite(.enabled(if: PythonInterop.hasPyarrow)) struct ArrowPyarrowInteropTests {
  private func expectFixtureValues(_ read: [String: Any]) throws {
    try ExchangeFixtures.expectColumnValues(read)
    let types = try #require(read["types"] as? [String: String])
    // pyarrow names the element "item" in Arrow files and "element" after Parquet.
    let vector = try #require(types["vector"])
    #expect(vector.hasPrefix("fixed_size_list<") && vector.hasSuffix(": float>[4]"), "\(vector)")
    #expect(types["ts"] == "timestamp[us, tz=UTC]")
    #expect(types["day"] == "date32[day]")
    #expect(types["u64"] == "uint64")
    #expect(types["i8"] == "int8")
  }

  @Test(arguments: 0..<4)
  func pyarrowReadsOurArrow(variant: Int) throws {
    let (layout, codec) = ArrowWriterTests.variants[variant]
    try ArrowWriterTests.withWrittenFixture(layout: layout, codec: codec) { path, _ in
      try expectFixtureValues(
        try #require(try PythonInterop.read(path), "pyarrow failed on \(path)"))
    }
  }

  @Test func pyarrowReadsOurParquetWithArrowTypes() throws {
    var reader = try ParquetReader(path: ExchangeFixtures.path("types-snappy.parquet"))
    let folder = try TestPaths.temporaryDirectory("quiver-arrow-pyarrow")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("out.parquet").path
    var writer = try ParquetWriter(path: path, schema: reader.schema)
    while let batch = try reader.nextBatch() { try writer.write(batch) }
    try writer.finish()
    try expectFixtureValues(try #require(try PythonInterop.read(path), "pyarrow failed on \(path)"))
  }
}
