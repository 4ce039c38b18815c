/// Splits a CSV file (RFC 4180, as Python's `csv` module writes it) into records of fields:
/// comma-separated, fields optionally quoted with `"`, `""` for a quote inside a quoted field,
/// line breaks (LF or CRLF) allowed inside quoted fields.
struct CSVRecordReader {
  /// One record and where it starts.
  struct Record {
    /// The fields, unquoted.
    var fields: [String]
    /// The 1-based line on which the record starts.
    var line: Int
    /// Whether each field was quoted (an empty quoted field is an empty string, not a null).
    var quoted: [Bool]
  }

  /// The file being read.
  let input: InputFile
  private var line = 1
  private var field: [UInt8] = []

  /// Reads from `input`, starting at its current position.
  init(input: InputFile) {
    self.input = input
    field.reserveCapacity(256)
  }

  /// The next record, or nil at the end of the file.
  /// - Throws: `CLIError.badData` for a quoted field that never closes or text after a closing
  ///   quote.
  mutating func next() throws -> Record? {
    guard try input.peekByte() != nil else { return nil }
    let startLine = line
    var fields: [String] = []
    var quoted: [Bool] = []
    while true {
      field.removeAll(keepingCapacity: true)
      var wasQuoted = false
      var byte = try input.nextByte()
      if byte == UInt8(ascii: "\"") {
        wasQuoted = true
        let quoteLine = line
        while true {
          guard let next = try input.nextByte() else {
            throw CLIError.badData(
              file: input.path, at: "line \(quoteLine)",
              "the quoted field \(fields.count + 1) never closes (missing \")")
          }
          if next == UInt8(ascii: "\"") {
            if try input.peekByte() == UInt8(ascii: "\"") {
              _ = try input.nextByte()
              field.append(next)
              continue
            }
            break
          }
          if next == UInt8(ascii: "\n") { line += 1 }
          field.append(next)
        }
        byte = try input.nextByte()
        if byte == UInt8(ascii: "\r"), try input.peekByte() == UInt8(ascii: "\n") {
          byte = try input.nextByte()
        }
        if let byte, byte != UInt8(ascii: ","), byte != UInt8(ascii: "\n") {
          throw CLIError.badData(
            file: input.path, at: "line \(line)",
            "unexpected '\(Character(Unicode.Scalar(byte)))' after the closing quote of field "
              + "\(fields.count + 1)")
        }
      } else {
        while let current = byte, current != UInt8(ascii: ","), current != UInt8(ascii: "\n") {
          field.append(current)
          byte = try input.nextByte()
        }
        if field.last == UInt8(ascii: "\r"), byte == UInt8(ascii: "\n") { field.removeLast() }
      }
      fields.append(String(decoding: field, as: UTF8.self))
      quoted.append(wasQuoted)
      if byte == UInt8(ascii: ",") { continue }
      if byte == UInt8(ascii: "\n") { line += 1 }
      return Record(fields: fields, line: startLine, quoted: quoted)
    }
  }
}
