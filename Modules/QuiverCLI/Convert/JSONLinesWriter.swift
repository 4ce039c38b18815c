/// Writes batches as JSON Lines: one object per row with the columns in order (dotted names are
/// kept as they are), nulls as `null`, vectors as arrays of shortest round-trip numbers.
struct JSONLinesWriter: OutputFileWriter {
  let output: OutputFile
  private let fields: [ExchangeField]
  private var row = 0

  /// Creates the file (hidden until `finish()`).
  init(path: String, fields: [ExchangeField], replacing: Bool) throws {
    output = try OutputFile(path: path, replacing: replacing)
    self.fields = fields
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    // Each member's `"name": ` once per batch.
    let keys = batch.fields.map { field -> [UInt8] in
      var key = ""
      JSONValue.writeString(field.name, to: &key)
      return Array((key + ": ").utf8)
    }
    try output.writeRows(batch.rowCount) { batchRow, bytes in
      bytes.append(UInt8(ascii: "{"))
      for (position, column) in batch.columns.enumerated() {
        if position > 0 {
          bytes.append(UInt8(ascii: ","))
          bytes.append(UInt8(ascii: " "))
        }
        bytes.append(contentsOf: keys[position])
        if CellFormatter.isNonFinite(column, row: batchRow) {
          throw CLIError(
            .badData,
            "\(output.path): row \(row + batchRow): column '\(batch.fields[position].name)' "
              + "holds NaN or an infinity, which JSON cannot represent")
        }
        switch column {
        case .string(let values):
          if let value = values[batchRow] {
            var text = ""
            JSONValue.writeString(value, to: &text)
            bytes.append(contentsOf: text.utf8)
          } else {
            bytes.append(contentsOf: "null".utf8)
          }
        case .vector(let element, let dimension, let values):
          CellFormatter.appendVector(
            element, dimension: dimension, bytes: values, row: batchRow, to: &bytes)
        default:
          bytes.append(contentsOf: (CellFormatter.text(column, row: batchRow) ?? "null").utf8)
        }
      }
      bytes.append(UInt8(ascii: "}"))
      bytes.append(UInt8(ascii: "\n"))
    }
    row += batch.rowCount
  }
}
