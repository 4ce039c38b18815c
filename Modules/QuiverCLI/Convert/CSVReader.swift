/// Streams a CSV file with a header line as batches of typed columns.
///
/// Column types are declared (`--column-type`) or inferred from the first `inferenceRows`
/// records (see `TypeInference`); an empty field is a null. A record with the wrong number of
/// fields, or a later value that does not parse as its column's type, is reported with its line.
struct CSVReader: ExchangeReader {
  var fields: [ExchangeField] { batch.fields }
  var bytesRead: Int64 { records.input.offset }
  var totalBytes: Int64 { records.input.size }

  private var records: CSVRecordReader
  private var pending: [CSVRecordReader.Record]
  private var batch: TextBatchBuilder

  /// Opens `path`, reads its header and infers the column types.
  /// - Parameters:
  ///   - declared: types given on the command line, by column name.
  ///   - vectorColumn: a column that must hold vectors (`--vector-column`).
  ///   - expectedDimension: the vector column's dimension (`--dim`).
  ///   - inferenceRows: how many records to look at to infer types.
  init(
    path: String, declared: [DeclaredType], vectorColumn: String?, expectedDimension: Int?,
    inferenceRows: Int
  ) throws {
    let input = try InputFile(path: path)
    records = CSVRecordReader(input: input)
    guard let header = try records.next() else {
      throw CLIError.badData(file: path, at: "line 1", "the file is empty (a header is required)")
    }
    let names = header.fields
    var seen = Set<String>()
    for (position, name) in names.enumerated() {
      guard !name.isEmpty else {
        throw CLIError.badData(file: path, at: "line 1", "header field \(position + 1) is empty")
      }
      guard seen.insert(name).inserted else {
        throw CLIError.badData(
          file: path, at: "line 1", "column '\(name)' appears twice in the header")
      }
    }
    for declaration in declared where !seen.contains(declaration.column) {
      throw CLIError(
        .usage, "\(path): --column-type names '\(declaration.column)', which is not in the header")
    }
    if let vectorColumn, !seen.contains(vectorColumn) {
      throw CLIError(
        .usage,
        "\(path): --vector-column '\(vectorColumn)' is not in the header (\(names.joined(separator: ", ")))"
      )
    }

    pending = []
    var sampleBytes = 0
    while pending.count < inferenceRows, sampleBytes < ExchangeLimits.maximumBufferedBytes,
      let record = try records.next()
    {
      try Self.checkFieldCount(record, expected: names.count, path: path)
      pending.append(record)
      sampleBytes += record.byteCount
    }
    var fields: [ExchangeField] = []
    for (position, name) in names.enumerated() {
      let sample = pending.map { $0.fields[position].isEmpty ? nil : $0.fields[position] }
      var type = declared.last { $0.column == name }?.type ?? TypeInference.infer(sample)
      if name == vectorColumn, !type.isVector { type = .vector(.float32, dimension: 0) }
      if case .vector(let element, 0) = type {
        // A declared vector type takes its dimension from the first value.
        let first = sample.compactMap { $0 }.first.flatMap(TextValue.list)
        type = .vector(element, dimension: expectedDimension ?? first?.count ?? 0)
        guard case .vector(_, let dimension) = type, dimension > 0 else {
          throw CLIError.badData(
            file: path, at: nil,
            "column '\(name)' must hold vectors, but its first \(pending.count) rows have none "
              + "written as [x, y, ...] (pass --dim if the sample is empty)")
        }
      }
      try type.checkDimension(
        expected: expectedDimension, subject: "column '\(name)'", file: path,
        at: "line \(pending.first?.line ?? 2)")
      fields.append(ExchangeField(name: name, type: type))
    }
    batch = TextBatchBuilder(fields: fields)
    pending.reverse()  // consumed from the end
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    while batch.hasRoom {
      let record: CSVRecordReader.Record
      if let next = pending.popLast() {
        record = next
      } else if let next = try records.next() {
        try Self.checkFieldCount(next, expected: fields.count, path: records.input.path)
        record = next
      } else {
        break
      }
      for (position, text) in record.fields.enumerated() {
        do {
          if text.isEmpty, !record.quoted[position] || fields[position].type != .string {
            try batch.columns[position].appendNull()
          } else {
            try batch.columns[position].append(text: text)
          }
        } catch {
          throw CLIError.badData(
            file: records.input.path, at: "line \(record.line)",
            "column '\(fields[position].name)': value \(error.description)")
        }
      }
      batch.endRecord(byteCount: record.byteCount)
    }
    return batch.take()
  }

  private static func checkFieldCount(
    _ record: CSVRecordReader.Record, expected: Int, path: String
  ) throws {
    guard record.fields.count == expected else {
      throw CLIError.badData(
        file: path, at: "line \(record.line)",
        "expected \(expected) fields (as in the header), found \(record.fields.count)")
    }
  }
}
