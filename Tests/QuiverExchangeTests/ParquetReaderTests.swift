import Foundation
import QuiverFormat
import Testing

@testable import QuiverExchange

/// Parquet files written by pyarrow (Fixtures/exchange) read back with exactly the values
/// expected.json lists.
@Suite struct ParquetReaderTests {
  private func readAll(_ name: String) throws -> (ParquetReader, [RecordBatch]) {
    var reader = try ParquetReader(path: ExchangeFixtures.path(name))
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return (reader, batches)
  }

  @Test(arguments: [
    "types-none.parquet", "types-snappy.parquet", "types-gzip.parquet", "types-zstd.parquet",
    "plain.parquet", "page-v2.parquet", "delta-split.parquet", "list-vector.parquet",
  ])
  func readsEveryTypeCodecAndEncoding(name: String) throws {
    let (_, batches) = try readAll(name)
    try ExchangeFixtures.expectTypesRows(batches)
  }

  @Test func readsOneBatchPerRowGroup() throws {
    let (reader, batches) = try readAll("types-zstd.parquet")
    #expect(reader.rowGroupCount == 3)
    #expect(batches.map(\.rowCount) == [4, 4, 2])
    #expect(reader.rowCount == 10)
  }

  @Test func readsFloat16AndUInt8Vectors() throws {
    let expected = try ExchangeFixtures.expected()
    let (_, halves) = try readAll("float16-vector.parquet")
    let half = try RecordBatch.concatenate(halves).column(named: "vector")
    #expect(half.dataType == .fixedSizeList(.float16, dimension: 4))
    let halfRows = try #require(expected["float16_vectors"] as? [[NSNumber]])
    for (row, values) in halfRows.enumerated() {
      #expect(half.vector(at: row) == values.map(\.floatValue))
    }
    let (_, bytes) = try readAll("uint8-vector.parquet")
    let byteColumn = try RecordBatch.concatenate(bytes).column(named: "vector")
    #expect(byteColumn.dataType == .fixedSizeList(.uint8, dimension: 4))
    let byteRows = try #require(expected["uint8_vectors"] as? [[NSNumber]])
    for (row, values) in byteRows.enumerated() {
      #expect(byteColumn[row] == .byteVector(values.map(\.uint8Value)))
    }
  }
}
