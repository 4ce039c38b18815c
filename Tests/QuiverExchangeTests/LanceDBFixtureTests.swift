import Foundation
import QuiverFormat
import Testing

@testable import QuiverExchange

/// Files exported from a LanceDB table (Fixtures/exchange/make_lancedb_fixtures.py: two lance
/// fragments, `to_arrow()` written as Parquet and Feather, `lance.dataset(…).to_batches()` as
/// an Arrow stream) read with exactly the values pyarrow reads (lancedb.json).
@Suite struct LanceDBFixtureTests {
  static let schema: [(String, DataType)] = [
    ("id", .int64), ("item", .utf8), ("price", .float64), ("score", .float16),
    ("added", .timestamp), ("day", .date),
    ("vector", .fixedSizeList(.float32, dimension: 8)),
    ("half", .fixedSizeList(.float16, dimension: 4)),
  ]

  private func readAll(_ name: String) throws -> [RecordBatch] {
    let path = ExchangeFixtures.path(name)
    var reader: any RecordBatchFileReader =
      name.hasSuffix(".parquet") ? try ParquetReader(path: path) : try ArrowReader(path: path)
    var batches: [RecordBatch] = []
    while let batch = try reader.nextBatch() { batches.append(batch) }
    return batches
  }

  /// The expected cell of JSON `value`; lancedb.json gives float16 values as numbers.
  private func cell(_ value: Any, type: DataType) throws -> ColumnValue {
    guard type == .float16, let number = value as? NSNumber else {
      return try ExchangeFixtures.cell(value, type: type)
    }
    return .float16Bits(Float16(number.floatValue).bitPattern)
  }

  @Test(arguments: ["lancedb.parquet", "lancedb.feather", "lance.arrows"])
  func readsWhatLanceDBExports(name: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: ExchangeFixtures.path("lancedb.json")))
    let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let columns = try #require(expected["columns"] as? [String: Any])
    let rows = try #require(expected["rows"] as? Int)
    let batches = try readAll(name)
    let all = try RecordBatch.concatenate(batches)
    #expect(all.rowCount == rows)
    #expect(all.schema.names == Self.schema.map(\.0))
    for (name, type) in Self.schema {
      let column = try all.column(named: name)
      #expect(column.dataType == type, "column \(name)")
      let values = try #require(columns[name] as? [Any])
      for row in 0..<rows {
        #expect(column[row] == (try cell(values[row], type: type)), "\(name) row \(row)")
      }
    }
    #expect(try all.column(named: "item").nullCount == 3)
    #expect(try all.column(named: "price").nullCount == 2)
    #expect(try all.column(named: "score").nullCount == 2)
  }

  @Test func oneBatchPerRowGroupOrLanceFragment() throws {
    #expect(try readAll("lancedb.parquet").map(\.rowCount) == [5, 5, 2])
    #expect(try readAll("lance.arrows").map(\.rowCount) == [7, 5])
  }
}
