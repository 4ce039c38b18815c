import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

/// The fixtures of Fixtures/exchange (written by pyarrow with make_fixtures.py) and the values
/// its expected.json says they hold.
enum ExchangeFixtures {
  /// The path of fixture `name`.
  static func path(_ name: String) -> String {
    TestPaths.fixtures.appendingPathComponent("exchange").appendingPathComponent(name).path
  }

  /// expected.json, parsed.
  static func expected() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path("expected.json")))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// The column names and Quiver types every "types" fixture has, in order.
  static let typesSchema: [(String, DataType)] = [
    ("i8", .int8), ("i16", .int16), ("i32", .int32), ("i64", .int64), ("u8", .uint8),
    ("u16", .uint16), ("u32", .uint32), ("u64", .uint64), ("f32", .float32), ("f64", .float64),
    ("flag", .bool), ("name", .utf8), ("blob", .binary), ("ts", .timestamp), ("day", .date),
    ("vector", .fixedSizeList(.float32, dimension: 4)),
  ]

  /// The expected cell of `value` (a JSON value) in a column of `type`.
  static func cell(_ value: Any, type: DataType) throws -> ColumnValue {
    if value is NSNull { return .null }
    switch type {
    case .bool: return .bool(try #require(value as? Bool))
    case .int8, .int16, .int32, .int64:
      return .int(try #require((value as? NSNumber)?.int64Value))
    case .uint8, .uint16, .uint32, .uint64:
      return .uint(try #require((value as? NSNumber)?.uint64Value))
    case .float32:
      return .float(Double(Float(try #require((value as? NSNumber)?.doubleValue))))
    case .float64: return .float(try #require((value as? NSNumber)?.doubleValue))
    case .utf8: return .string(try #require(value as? String))
    case .binary:
      let hex = Array(try #require(value as? String).utf8)
      var bytes: [UInt8] = []
      for index in stride(from: 0, to: hex.count, by: 2) {
        bytes.append(try #require(UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16)))
      }
      return .binary(bytes)
    case .timestamp: return .timestamp(try #require((value as? NSNumber)?.int64Value))
    case .date: return .date(try #require((value as? NSNumber)?.int32Value))
    case .float16: return .float16Bits(UInt16(try #require((value as? NSNumber)?.intValue)))
    case .fixedSizeList(.uint8, _):
      return .byteVector(try #require(value as? [NSNumber]).map { $0.uint8Value })
    case .fixedSizeList:
      return .vector(try #require(value as? [NSNumber]).map { $0.floatValue })
    }
  }

  /// Checks that `batches` together hold exactly the rows of expected.json under the "types"
  /// schema.
  static func expectTypesRows(_ batches: [RecordBatch], vectorType: DataType? = nil) throws {
    let expected = try expected()
    let columns = try #require(expected["columns"] as? [String: Any])
    let rows = try #require(expected["rows"] as? Int)
    let all = try RecordBatch.concatenate(batches)
    #expect(all.rowCount == rows)
    #expect(all.schema.names == typesSchema.map(\.0))
    for (name, type) in typesSchema {
      let column = try all.column(named: name)
      #expect(column.dataType == (name == "vector" ? vectorType ?? type : type), "column \(name)")
      let values = try #require(columns[name] as? [Any])
      for row in 0..<rows {
        #expect(column[row] == (try cell(values[row], type: type)), "column \(name), row \(row)")
      }
    }
  }

  /// Writes a copy of fixture `name`, changed by `damage`, into a new folder and runs `body` with
  /// its path; removes the folder afterwards.
  static func withDamagedCopy<Result>(
    of name: String, _ damage: (inout [UInt8]) -> Void, _ body: (String) throws -> Result
  ) throws -> Result {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    damage(&bytes)
    let folder = try TestPaths.temporaryDirectory("quiver-exchange-damaged")
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: copy))
    return try body(copy)
  }

  /// Checks that `read` (what `PythonInterop.read` returned for a file written from the "types"
  /// fixture) holds the values of expected.json in every column.
  static func expectColumnValues(_ read: [String: Any]) throws {
    let columns = try #require(read["columns"] as? [String: Any])
    let expectedColumns = try #require(try expected()["columns"] as? [String: Any])
    for (name, type) in typesSchema {
      let got = try #require(columns[name] as? [Any], "column \(name)")
      let want = try #require(expectedColumns[name] as? [Any])
      #expect(
        try got.map { try cell($0, type: type) } == want.map { try cell($0, type: type) },
        "column \(name)")
    }
  }
}
