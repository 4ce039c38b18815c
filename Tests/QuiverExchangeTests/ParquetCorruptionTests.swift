import Foundation
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Damaged Parquet files fail with one-line `ExchangeError`s that name the file and the place.
@Suite struct ParquetCorruptionTests {
  /// A copy of fixture `name` changed by `damage`, read to the end.
  private func readDamaged(_ name: String, _ damage: (inout [UInt8]) -> Void) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: ExchangeFixtures.path(name))))
    damage(&bytes)
    let folder = try TestPaths.temporaryDirectory("quiver-parquet-corrupt")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    var reader = try ParquetReader(path: path)
    while try reader.nextBatch() != nil {}
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
}
