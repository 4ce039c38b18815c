import Foundation
import QuiverFormat
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
}
