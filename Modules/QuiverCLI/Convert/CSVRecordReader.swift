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
    /// The bytes of input the record took.
    var byteCount: Int
  }

  /// The file being read.
  let input: InputFile
  private var line = 1
  private var field: [UInt8] = []

  /// Skips `EF BB BF` at the start of the file.
  private mutating func skipByteOrderMark() throws {
    guard try input.peekByte() == 0xEF else { return }
    _ = try input.nextByte()
    guard try input.nextByte() == 0xBB, try input.nextByte() == 0xBF else {
      throw CLIError.badData(file: input.path, at: "line 1", "the file starts with invalid UTF-8")
    }
  }

  /// Reads from `input`, starting at its current position.
  init(input: InputFile) {
    self.input = input
    field.reserveCapacity(256)
  }

  /// The next record, or nil at the end of the file. Blank lines are skipped (as Python's `csv`
  /// reader does), and a UTF-8 byte-order mark at the start of the file is ignored.
  /// - Throws: `CLIError.badData` for a quoted field that never closes, text after a closing
  ///   quote, or a record beyond `ExchangeLimits` (bytes or fields).
  mutating func next() throws -> Record? {
    while true {
      guard let record = try nextIncludingBlank() else { return nil }
      if record.fields == [""], record.quoted == [false] { continue }
      return record
    }
  }

  private mutating func nextIncludingBlank() throws -> Record? {
    if input.offset == 0 { try skipByteOrderMark() }
    guard try input.peekByte() != nil else { return nil }
    let startLine = line
    let startOffset = input.offset
    var fields: [String] = []
    var quoted: [Bool] = []
    // What a field may still grow by, so no record exceeds ExchangeLimits.maximumRecordBytes.
    func fieldLimit() -> Int {
      field.count + ExchangeLimits.maximumRecordBytes - Int(input.offset - startOffset)
    }
    func tooLong() -> CLIError {
      CLIError.badData(
        file: input.path, at: "line \(startLine)",
        "the record is longer than \(ExchangeLimits.mebibytes(ExchangeLimits.maximumRecordBytes))")
    }
    while true {
      guard fields.count < ExchangeLimits.maximumColumns else {
        throw CLIError.badData(
          file: input.path, at: "line \(startLine)",
          "the record has more than \(ExchangeLimits.maximumColumns) fields")
      }
      field.removeAll(keepingCapacity: true)
      var wasQuoted = false
      var byte = try input.nextByte()
      if byte == UInt8(ascii: "\"") {
        wasQuoted = true
        let quoteLine = line
        while true {
          let before = field.count
          let delimiter = try input.read(
            until: UInt8(ascii: "\""), or: UInt8(ascii: "\""), appendingTo: &field,
            limit: fieldLimit(), tooLong: tooLong())
          line += field[before...].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
          guard delimiter != nil else {
            throw CLIError.badData(
              file: input.path, at: "line \(quoteLine)",
              "the quoted field \(fields.count + 1) never closes (missing \")")
          }
          if try input.peekByte() == UInt8(ascii: "\"") {
            _ = try input.nextByte()
            field.append(UInt8(ascii: "\""))
            continue
          }
          break
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
      } else if let first = byte, first != UInt8(ascii: ","), first != UInt8(ascii: "\n") {
        field.append(first)
        byte = try input.read(
          until: UInt8(ascii: ","), or: UInt8(ascii: "\n"), appendingTo: &field,
          limit: fieldLimit(), tooLong: tooLong())
        if field.last == UInt8(ascii: "\r"), byte == UInt8(ascii: "\n") { field.removeLast() }
      }
      fields.append(String(decoding: field, as: UTF8.self))
      quoted.append(wasQuoted)
      if byte == UInt8(ascii: ",") { continue }
      if byte == UInt8(ascii: "\n") { line += 1 }
      return Record(
        fields: fields, line: startLine, quoted: quoted,
        byteCount: Int(input.offset - startOffset))
    }
  }
}
