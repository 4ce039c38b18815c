import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

/// The frozen format-version-1 data file (Fixtures/format-v1/data-v1.qdf).
///
/// Its contents are defined by formulas here — no random generator whose algorithm could
/// change — so the expected values stay the same forever. The file was written once with
/// `QUIVER_WRITE_FORMAT_V1_FIXTURE=1 swift test --filter writeFormatV1Fixture` and must never be
/// regenerated once version 1 is released (Fixtures/format-v1/README.md).
enum FormatV1Fixture {
  static let rowCount = 700

  static func batch() throws -> RecordBatch {
    let rows = Array(0..<rowCount)
    func null(_ row: Int, every period: Int) -> Bool { row % period == period - 1 }
    let words = ["alpha", "beta", "gamma", "delta", "épsilon", "日本", ""]
    return try RecordBatch(columns: [
      "id": rows.map { Int64($0) },
      "flag": rows.map { null($0, every: 5) ? nil : $0 % 3 == 0 } as [Bool?],
      "i8": rows.map { Int8(truncatingIfNeeded: $0 * 7) },
      "i16": rows.map { null($0, every: 9) ? nil : Int16(truncatingIfNeeded: $0 * 131 - 30000) } as [Int16?],
      "i32": rows.map { Int32($0 % 4) * 1_000_000 },
      "u8": rows.map { UInt8(truncatingIfNeeded: $0) },
      "u16": rows.map { UInt16(truncatingIfNeeded: $0 &* 40503) },
      "u32": rows.map { UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) },
      "u64": rows.map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 },
      "f16": Column(float16Bits: rows.map { null($0, every: 4) ? nil : UInt16(truncatingIfNeeded: 0x3C00 + $0) }),
      "f32": rows.map { Float($0) * 0.25 - 10 },
      "f64": rows.map { null($0, every: 11) ? nil : Double($0).squareRoot() } as [Double?],
      "word": rows.map { null($0, every: 13) ? nil : words[$0 % words.count] } as [String?],
      "text": rows.map { "row \($0): " + String(repeating: "q", count: $0 % 17) },
      "blob": Column(binary: rows.map { null($0, every: 6) ? nil : (0..<($0 % 9)).map { UInt8(truncatingIfNeeded: $0 * 31) } }),
      "when": Column(timestampMicroseconds: rows.map { 1_700_000_000_000_000 + Int64($0) * 1_000_003 }),
      "day": Column(daysSinceEpoch: rows.map { null($0, every: 7) ? nil : Int32(19_000 + $0 / 3) }),
      "vector": try Column(vectors: rows.map { row in null(row, every: 50) ? nil : (0..<4).map { Float(row * 4 + $0) / 8 } }, dimension: 4),
      "half": try Column(float16Vectors: rows.map { row in (0..<2).map { UInt16(truncatingIfNeeded: 0x3800 + row + $0) } }, dimension: 2),
      "bytes": try Column(byteVectors: rows.map { row in (0..<8).map { UInt8(truncatingIfNeeded: row + $0 * 32) } }, dimension: 8),
    ])
  }

  static let options = DataFileWriterOptions(
    pageSize: 1024, compressionLevel: 3, compressedVectorColumns: ["bytes"],
    synchronizeOnFinish: true)

  static var url: URL { TestPaths.fixtures.appendingPathComponent("format-v1/data-v1.qdf") }
}

@Test(.enabled(if: ProcessInfo.processInfo.environment["QUIVER_WRITE_FORMAT_V1_FIXTURE"] == "1"))
func writeFormatV1Fixture() throws {
  let batch = try FormatV1Fixture.batch()
  let writer = try DataFileWriter(url: FormatV1Fixture.url, schema: batch.schema, options: FormatV1Fixture.options)
  try writer.write(batch.slice(rows: 0..<250))
  try writer.write(batch.slice(rows: 250..<FormatV1Fixture.rowCount))
  _ = try writer.finish()
}

@Test func formatV1FixtureReadsByteForByte() throws {
  let reader = try DataFileReader(url: FormatV1Fixture.url)
  let expected = try FormatV1Fixture.batch()
  #expect(reader.schema == expected.schema)
  #expect(reader.rowCount == FormatV1Fixture.rowCount)
  let all = try reader.read()
  for (index, name) in expected.schema.names.enumerated() {
    #expect(all.columns[index] == expected.columns[index], "column \(name)")
  }
  // The file exercises every encoding, compression and multi-page columns.
  let pages = reader.pages.flatMap { $0 }
  #expect(Set(pages.map(\.encoding)) == Set(PageEncoding.allCases))
  #expect(Set(pages.map(\.compression)) == Set(PageCompression.allCases))
  #expect(reader.pages.allSatisfy { $0.count >= 1 } && reader.pages[0].count > 1)
  // Plain, uncompressed fixed-width pages (the float32 and float16 vectors among them) carry
  // row-checksum tables, which `take` reads.
  let vector = try reader.pages(of: "vector")
  #expect(vector.allSatisfy { $0.rowChecksums?.rowsPerGroup == 4096 / 16 })
  #expect(vector.contains { $0.nullCount > 0 })
  let rows = [699, 0, 350, 49, 50, 51]
  #expect(try reader.take(rowOffsets: rows) == expected.take(rows: rows))
  #expect(try reader.read(columns: ["vector", "word"], rows: 100..<130) == expected.selecting(columns: ["vector", "word"]).slice(rows: 100..<130))
}
