/// Writes batches as JSON Lines: one object per row with the columns in order (dotted names are
/// kept as they are), nulls as `null`, vectors as arrays of shortest round-trip numbers.
struct JSONLinesWriter: ExchangeWriter {
  private let output: OutputFile
  private let fields: [ExchangeField]
  private var row = 0

  /// Creates the file (hidden until `finish()`).
  init(path: String, fields: [ExchangeField], replacing: Bool) throws {
    output = try OutputFile(path: path, replacing: replacing)
    self.fields = fields
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    var text = ""
    for batchRow in 0..<batch.rowCount {
      text += "{"
      for (position, column) in batch.columns.enumerated() {
        if position > 0 { text += ", " }
        JSONValue.writeString(batch.fields[position].name, to: &text)
        text += ": "
        if CellFormatter.isNonFinite(column, row: batchRow) {
          throw CLIError(
            .badData,
            "\(output.path): row \(row + batchRow): column '\(batch.fields[position].name)' "
              + "holds NaN or an infinity, which JSON cannot represent")
        }
        switch column {
        case .string(let values):
          if let value = values[batchRow] { JSONValue.writeString(value, to: &text) } else { text += "null" }
        default:
          text += CellFormatter.text(column, row: batchRow) ?? "null"
        }
      }
      text += "}\n"
      if text.utf8.count >= 1 << 20 {
        try output.write(text)
        text = ""
      }
    }
    row += batch.rowCount
    try output.write(text)
  }

  mutating func finish() throws { try output.commit() }

  mutating func abandon() { output.abandon() }
}
