import QuiverFormat

/// Search results (`RecordBatch`es of the selected columns plus `_distance`) as a readable table
/// or as JSON.
enum ResultPrinter {
  /// Text for one result batch; long vectors are shortened to their first elements.
  static func text(_ batch: RecordBatch, source: String) throws -> String {
    let exchange = try RecordBatchBridge.exchangeBatch(batch, source: source, firstRow: 0)
    var table = TextTable(headings: exchange.fields.map(\.name))
    for (position, field) in exchange.fields.enumerated() {
      switch field.type {
      case .int64, .float32, .float64: table.rightAligned.insert(position)
      default: break
      }
    }
    for row in 0..<exchange.rowCount {
      table.append(
        exchange.columns.map { column in
          switch column {
          case .vector(let element, let dimension, let bytes):
            let elements = CellFormatter.vectorElements(
              element, dimension: dimension, bytes: bytes, row: row)
            return "[" + elements.prefix(4).joined(separator: ", ")
              + (dimension > 4 ? ", … (\(dimension))]" : "]")
          case .string(let values):
            guard let value = values[row] else { return "null" }
            let line = oneLine(value)
            return line.count > 60 ? String(line.prefix(59)) + "…" : line
          default:
            return CellFormatter.text(column, row: row) ?? "null"
          }
        })
    }
    return table.rendered()
  }

  /// JSON for one result batch: an array of row objects.
  static func json(_ batch: RecordBatch, source: String) throws -> JSONValue {
    let exchange = try RecordBatchBridge.exchangeBatch(batch, source: source, firstRow: 0)
    return .array(
      (0..<exchange.rowCount).map { row in
        .object(
          zip(exchange.fields, exchange.columns).map { field, column in
            (field.name, value(column, row: row))
          })
      })
  }

  private static func value(_ column: ExchangeColumn, row: Int) -> JSONValue {
    switch column {
    case .bool(let values): return values[row].map(JSONValue.bool) ?? .null
    case .int64(let values): return values[row].map(JSONValue.integer) ?? .null
    case .float32(let values):
      return values[row].map { $0.isFinite ? .literal("\($0)") : .null } ?? .null
    case .float64(let values): return values[row].map(JSONValue.number) ?? .null
    case .string(let values): return values[row].map(JSONValue.string) ?? .null
    case .binary(let values):
      return values[row].map { .string(CellFormatter.hexadecimal($0)) } ?? .null
    case .vector(let element, let dimension, let bytes):
      return .array(
        CellFormatter.vectorElements(element, dimension: dimension, bytes: bytes, row: row).map {
          Double($0)?.isFinite == true ? .literal($0) : .null
        })
    }
  }
}
