import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverExchange

/// Arrow IPC files and streams written by pyarrow (Fixtures/exchange) read back with exactly
/// the values expected.json lists.
@Suite struct ArrowReaderTests {
  private func readAll(_ name: String) throws -> [RecordBatch] {
    var reader = try ArrowReader(path: ExchangeFixtures.path(name))
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return batches
  }

  @Test(arguments: [
    "types.arrow", "types.arrows", "types.feather", "types-zstd.arrow", "list-vector.arrows",
  ])
  func readsEveryTypeInFilesAndStreams(name: String) throws {
    let batches = try readAll(name)
    #expect(batches.map(\.rowCount) == [4, 4, 2])
    try ExchangeFixtures.expectTypesRows(batches)
  }

  /// A copy of fixture `name` changed by `damage`, read to the end; the error it fails with.
  private func readDamaged(_ name: String, _ damage: (inout [UInt8]) -> Void) throws -> ExchangeError {
    let (path, error) = try ExchangeFixtures.withDamagedCopy(of: name, damage) { path in
      let error = try #require(throws: ExchangeError.self) {
        var reader = try ArrowReader(path: path)
        while try reader.nextBatch() != nil {}
      }
      return (path, error)
    }
    #expect(error.message.hasPrefix(path), "\(error)")
    #expect(!error.message.contains("\n"))
    return error
  }

  @Test(arguments: ["types.arrow", "types.feather"])
  func aTruncatedFileSaysItDoesNotEndWithItsMagic(name: String) throws {
    let error = try readDamaged(name) { $0.removeLast($0.count / 3) }
    #expect(error.code == .badMagic, "\(error)")
    #expect(error.message.contains("does not end with ARROW1"), "\(error)")
  }

  @Test func aTruncatedStreamNamesTheMessage() throws {
    let error = try readDamaged("types.arrows") { $0.removeLast($0.count / 3) }
    #expect(error.code == .truncatedFile, "\(error)")
    #expect(error.message.contains("message at byte"), "\(error)")
  }

  @Test func aCorruptBatchInAFileNamesTheRecordBatch() throws {
    let error = try readDamaged("types-zstd.arrow") { bytes in
      // The last batch's compressed buffers end before the end-of-stream marker and the footer.
      let tail = bytes[(bytes.count - 10)..<(bytes.count - 6)]
      let footer = tail.reversed().reduce(0) { $0 << 8 | Int($1) }
      let end = bytes.count - 10 - footer - 8
      for index in (end - 120)..<(end - 8) { bytes[index] ^= 0x5A }
    }
    #expect(error.message.contains("record batch 2"), "\(error)")
  }
}
