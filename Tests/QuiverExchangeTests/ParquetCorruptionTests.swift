import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Damaged Parquet files fail with one-line `ExchangeError`s that name the file and the place.
@Suite struct ParquetCorruptionTests {
  /// A copy of fixture `name` changed by `damage`, read to the end.
  private func readDamaged(_ name: String, _ damage: (inout [UInt8]) -> Void) throws {
    try ExchangeFixtures.withDamagedCopy(of: name, damage) { path in
      var reader = try ParquetReader(path: path)
      while try reader.nextBatch() != nil {}
    }
  }

  private func expectError(
    _ code: ExchangeError.Code, mentioning parts: [String], _ body: () throws -> Void
  ) {
    do {
      try body()
      Issue.record("no error thrown")
    } catch let error as ExchangeError {
      #expect(error.code == code, "\(error)")
      for part in parts { #expect(error.message.contains(part), "\(error.message)") }
      #expect(!error.message.contains("\n"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func truncatedFileNamesTheMissingEnd() {
    expectError(.badMagic, mentioning: ["types-zstd.parquet", "does not end with PAR1"]) {
      try readDamaged("types-zstd.parquet") { $0.removeLast($0.count / 2) }
    }
  }

  @Test func notParquetAtAll() {
    expectError(.badMagic, mentioning: ["not a Parquet file"]) {
      try readDamaged("types-zstd.parquet") { $0.replaceSubrange(0..<4, with: Array("ARRO".utf8)) }
    }
  }

  @Test func footerLengthPastTheFile() {
    expectError(.corruptFile, mentioning: ["footer claims"]) {
      try readDamaged("types-none.parquet") { bytes in
        bytes.replaceSubrange((bytes.count - 8)..<(bytes.count - 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
      }
    }
  }

  @Test func garbledFooter() {
    expectError(.corruptFile, mentioning: ["types-none.parquet: footer"]) {
      try readDamaged("types-none.parquet") { bytes in
        let length = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8
        let start = bytes.count - 8 - length
        for index in start..<(start + 40) { bytes[index] = 0xFF }
      }
    }
  }

  @Test func garbledPageHeaderNamesRowGroupColumnAndPage() {
    expectError(.corruptFile, mentioning: ["row group 0, column 'i8', page 0"]) {
      try readDamaged("types-none.parquet") { bytes in
        for index in 4..<12 { bytes[index] = 0xFF }
      }
    }
  }

  @Test func garbledCompressedPageNamesThePage() {
    expectError(.corruptFile, mentioning: ["row group 0, column 'i8', page", "zstd"]) {
      try readDamaged("types-zstd.parquet") { bytes in
        // The first page header is a few dozen bytes; the zstd frame follows it.
        var reader = ThriftCompactReader(bytes, start: 4, context: "")
        let header = try? ParquetPageHeader.read(&reader)
        let bodyStart = reader.position
        for index in bodyStart..<(bodyStart + Int(header?.compressedSize ?? 8)) { bytes[index] = 0xA5 }
      }
    }
  }

  // MARK: Hostile footers: declared sizes bounded by what the file can hold (issue 15)

  /// `bytes` with its footer decoded, changed by `change` and written back (with its length).
  private func forgeFooter(_ bytes: inout [UInt8], _ change: (inout ParquetFileMetadata) -> Void) {
    let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].reversed()
      .reduce(0) { $0 << 8 | Int($1) }
    let start = bytes.count - 8 - length
    var reader = ThriftCompactReader(Array(bytes[start..<(bytes.count - 8)]), context: "")
    guard var metadata = try? ParquetFileMetadata.read(&reader) else {
      Issue.record("the fixture's footer does not decode")
      return
    }
    change(&metadata)
    let footer = metadata.serialized()
    bytes.replaceSubrange(start..<bytes.count, with: footer)
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: footer.count >> shift)) }
    bytes += Array("PAR1".utf8)
  }

  @Test func aRowCountTheFileCannotHold() {
    expectError(.corruptFile, mentioning: ["plain.parquet: row group 0 claims", "more than a file of"]) {
      try readDamaged("plain.parquet") { bytes in
        forgeFooter(&bytes) { metadata in
          metadata.rowGroups[0].rowCount = 1 << 40
          metadata.rowCount = metadata.rowGroups.reduce(0) { $0 + $1.rowCount }
        }
      }
    }
  }

  @Test func aVectorValueCountTheFileCannotHold() {
    // Within one row group's rows × the largest dimension, but far beyond the file's bits.
    expectError(.corruptFile, mentioning: ["uint8-vector.parquet: row group 0, column", "values for"]) {
      try readDamaged("uint8-vector.parquet") { bytes in
        forgeFooter(&bytes) { metadata in
          let leaf = metadata.rowGroups[0].columns.count - 1
          metadata.rowGroups[0].columns[leaf].valueCount = metadata.rowGroups[0].rowCount << 20
        }
      }
    }
  }

  @Test func aZstdPageClaimingMoreThanItsFrameHolds() throws {
    let frame = [UInt8]([1, 2, 3, 4, 5]).withUnsafeBytes { Zstd.compress($0, level: 1) }
    expectError(.corruptFile, mentioning: ["page 3", "the zstd frame holds 5 bytes"]) {
      _ = try frame.withUnsafeBytes {
        try CompressionCodec.zstd.decompress($0, expectedLength: 1 << 30, context: "page 3")
      }
    }
  }

  @Test func aGzipPageClaimingMoreThanDeflateCanExpandTo() throws {
    let stream = try [UInt8](repeating: 7, count: 100).withUnsafeBytes {
      try Gzip.compress($0, level: 6)
    }
    expectError(.corruptFile, mentioning: ["page 1", "cannot expand"]) {
      _ = try stream.withUnsafeBytes {
        try CompressionCodec.gzip.decompress($0, expectedLength: 1 << 30, context: "page 1")
      }
    }
  }
}
