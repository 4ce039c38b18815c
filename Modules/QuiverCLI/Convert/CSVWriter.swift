/// Writes batches as CSV with a header line, quoting fields as Python's `csv` module does
/// (minimal quoting; `""` for a quote). A null is an empty field; an empty string is `""`.
struct CSVWriter: ExchangeWriter {
  private let output: OutputFile
  private let fields: [ExchangeField]

  /// Creates the file (hidden until `finish()`) and writes the header.
  init(path: String, fields: [ExchangeField], replacing: Bool) throws {
    output = try OutputFile(path: path, replacing: replacing)
    self.fields = fields
    try output.write(fields.map { Self.quoted($0.name, forceQuotes: false) }.joined(separator: ",") + "\r\n")
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    var text = ""
    for row in 0..<batch.rowCount {
      for (position, column) in batch.columns.enumerated() {
        if position > 0 { text += "," }
        // A null is an empty field; an empty string is quoted so it reads back as a string.
        if let value = CellFormatter.text(column, row: row) {
          text += Self.quoted(value, forceQuotes: value.isEmpty)
        }
      }
      text += "\r\n"
      if text.utf8.count >= 1 << 20 {
        try output.write(text)
        text = ""
      }
    }
    try output.write(text)
  }

  mutating func finish() throws { try output.commit() }

  mutating func abandon() { output.abandon() }

  /// `value` quoted when it holds a comma, a quote, a line break or surrounding spaces.
  static func quoted(_ value: String, forceQuotes: Bool) -> String {
    let needsQuotes =
      forceQuotes
      || value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
      || value.first == " " || value.last == " "
    guard needsQuotes else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
