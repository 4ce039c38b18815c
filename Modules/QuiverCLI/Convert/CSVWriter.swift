import Foundation
/// Writes batches as CSV with a header line, quoting fields as Python's `csv` module does
/// (minimal quoting; `""` for a quote). A null is an empty field; an empty string is `""`.
struct CSVWriter: OutputFileWriter {
  let output: OutputFile
  private let fields: [ExchangeField]

  /// Creates the file (hidden until `finish()`) and writes the header.
  init(path: String, fields: [ExchangeField], replacing: Bool) throws {
    output = try OutputFile(path: path, replacing: replacing)
    self.fields = fields
    try output.write(
      fields.map { Self.quoted($0.name, forceQuotes: false) }.joined(separator: ",") + "\r\n")
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    try output.writeRows(batch.rowCount) { row, bytes in
      for (position, column) in batch.columns.enumerated() {
        if position > 0 { bytes.append(UInt8(ascii: ",")) }
        if case .vector(let element, let dimension, let values) = column {
          // `[a, b, c]` always holds a comma and never a quote: quoted, nothing to escape.
          bytes.append(UInt8(ascii: "\""))
          CellFormatter.appendVector(
            element, dimension: dimension, bytes: values, row: row, to: &bytes)
          bytes.append(UInt8(ascii: "\""))
        } else if let value = CellFormatter.text(column, row: row) {
          // A null is an empty field; an empty string is quoted so it reads back as a string.
          bytes.append(contentsOf: Self.quoted(value, forceQuotes: value.isEmpty).utf8)
        }
      }
      bytes.append(UInt8(ascii: "\r"))
      bytes.append(UInt8(ascii: "\n"))
    }
  }

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
