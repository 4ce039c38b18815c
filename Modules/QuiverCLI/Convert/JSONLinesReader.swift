import ArgumentParser

/// What to do with an object nested inside a JSON Lines record.
enum NestedObjectPolicy: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// Store its members as columns with dotted names (`meta.color`).
  case flatten
  /// Refuse the file, naming the line and the field.
  case reject
}

/// Streams a JSON Lines file (one JSON object per line) as batches of typed columns.
///
/// Columns and types come from the first `inferenceRows` lines (or `--column-type`): numbers
/// become int64 when every one is an integer, else float64; arrays of numbers become float32
/// vectors; nested objects are flattened to dotted names or rejected. A line that is not an
/// object, a value of another kind than its column, or a field not seen in the sample is
/// reported with its line number.
struct JSONLinesReader: ExchangeReader {
  var fields: [ExchangeField] { batch.fields }
  var bytesRead: Int64 { input.offset }
  var totalBytes: Int64 { input.size }

  private let input: InputFile
  private let nested: NestedObjectPolicy
  private var lineNumber = 0
  private var pending: [(line: Int, members: [(String, ParsedJSON)], byteCount: Int)]
  private var batch: TextBatchBuilder
  private var positions: [String: Int]

  /// Opens `path` and infers its columns from the first `inferenceRows` lines.
  init(
    path: String, declared: [DeclaredType], vectorColumn: String?, expectedDimension: Int?,
    nested: NestedObjectPolicy, inferenceRows: Int
  ) throws {
    input = try InputFile(path: path)
    self.nested = nested
    pending = []
    positions = [:]
    batch = TextBatchBuilder(fields: [])

    var sampleBytes = 0
    while pending.count < inferenceRows, sampleBytes < ExchangeLimits.maximumBufferedBytes,
      let record = try nextRecord()
    {
      pending.append(record)
      sampleBytes += record.byteCount
    }
    var order: [String] = []
    var samples: [String: [(line: Int, value: ParsedJSON)]] = [:]
    for record in pending {
      for (name, value) in record.members {
        if samples[name] == nil { order.append(name) }
        samples[name, default: []].append((record.line, value))
      }
    }
    let knownNames = Set(order)
    for declaration in declared where !knownNames.contains(declaration.column) {
      throw CLIError(
        .usage,
        "\(path): --column-type names '\(declaration.column)', which is not in the first "
          + "\(pending.count) lines")
    }
    if let vectorColumn, !knownNames.contains(vectorColumn) {
      throw CLIError(
        .usage,
        "\(path): --vector-column '\(vectorColumn)' is not a field of the first \(pending.count) "
          + "lines (\(order.joined(separator: ", ")))")
    }
    var inferred: [ExchangeField] = []
    for name in order {
      var type =
        try declared.last(where: { $0.column == name })?.type
        ?? Self.inferType(name, samples[name] ?? [], path: path)
      if name == vectorColumn, !type.isVector { type = .vector(.float32, dimension: 0) }
      if case .vector(let element, 0) = type {
        let first = samples[name]?.lazy.compactMap { sample -> Int? in
          if case .array(let items) = sample.value { return items.count }
          return nil
        }.first
        guard let dimension = expectedDimension ?? first, dimension > 0 else {
          throw CLIError.badData(
            file: path, at: nil, "field '\(name)' must hold vectors (arrays of numbers)")
        }
        type = .vector(element, dimension: dimension)
      }
      try type.checkDimension(
        expected: expectedDimension, subject: "field '\(name)'", file: path,
        at: "line \(samples[name]?.first?.line ?? 1)")
      inferred.append(ExchangeField(name: name, type: type))
    }
    batch = TextBatchBuilder(fields: inferred)
    positions = Dictionary(uniqueKeysWithValues: inferred.enumerated().map { ($1.name, $0) })
    pending.reverse()  // consumed from the end
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    var filled = [Bool](repeating: false, count: fields.count)
    while batch.hasRoom {
      guard let record = try pending.popLast() ?? nextRecord() else { break }
      for index in filled.indices { filled[index] = false }
      for (name, value) in record.members {
        guard let position = positions[name] else {
          throw CLIError.badData(
            file: input.path, at: "line \(record.line)",
            "field '\(name)' did not appear in the lines used to infer the columns "
              + "(raise --infer-rows or declare it with --column-type)")
        }
        try append(value, to: position, line: record.line)
        filled[position] = true
      }
      for position in filled.indices where !filled[position] {
        try append(.null, to: position, line: record.line)
      }
      batch.endRecord(byteCount: record.byteCount)
    }
    return batch.take()
  }

  private mutating func append(_ value: ParsedJSON, to position: Int, line: Int) throws {
    let field = fields[position]
    do {
      switch (value, field.type) {
      case (.null, _):
        try batch.columns[position].appendNull()
      case (.bool(let flag), .bool):
        try batch.columns[position].append(bool: flag)
      case (.bool(let flag), .string):
        try batch.columns[position].append(text: flag ? "true" : "false")
      case (.number(let text, _), .int64), (.number(let text, _), .float32),
        (.number(let text, _), .float64), (.number(let text, _), .string),
        (.string(let text), .string):
        try batch.columns[position].append(text: text)
      case (.array(let items), .vector):
        var texts: [Substring] = []
        texts.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
          guard case .number(let text, _) = item else {
            throw ColumnBuilder.Problem(
              description: "element \(index) is \(item.kindName), but vectors hold numbers")
          }
          texts.append(Substring(text))
        }
        try batch.columns[position].append(vectorElements: texts)
      default:
        throw ColumnBuilder.Problem(
          description: "is \(value.kindName), but the column's type is \(field.type)")
      }
    } catch let problem as ColumnBuilder.Problem {
      throw CLIError.badData(
        file: input.path, at: "line \(line)", "field '\(field.name)': value \(problem.description)")
    }
  }

  /// The next non-blank line parsed and flattened, or nil at the end of the file.
  private mutating func nextRecord() throws
    -> (line: Int, members: [(String, ParsedJSON)], byteCount: Int)?
  {
    var bytes: [UInt8] = []
    while true {
      bytes.removeAll(keepingCapacity: true)
      var sawByte = false
      while let byte = try input.nextByte() {
        sawByte = true
        if byte == UInt8(ascii: "\n") { break }
        bytes.append(byte)
        if bytes.count > ExchangeLimits.maximumRecordBytes {
          throw CLIError.badData(
            file: input.path, at: "line \(lineNumber + 1)",
            "the line is longer than \(ExchangeLimits.mebibytes(ExchangeLimits.maximumRecordBytes))")
        }
      }
      guard sawByte else { return nil }
      lineNumber += 1
      if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
      if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
      if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      let value: ParsedJSON
      do {
        value = try JSONLineParser.parse(bytes)
      } catch {
        throw CLIError.badData(
          file: input.path, at: "line \(lineNumber)", "invalid JSON: \(error.description)")
      }
      guard case .object(let members) = value else {
        throw CLIError.badData(
          file: input.path, at: "line \(lineNumber)",
          "expected a JSON object, found \(value.kindName)")
      }
      var flattened: [(String, ParsedJSON)] = []
      var names = Set<String>()
      try flatten(members, prefix: "", into: &flattened, names: &names)
      return (lineNumber, flattened, bytes.count)
    }
  }

  private func flatten(
    _ members: [(String, ParsedJSON)], prefix: String, into output: inout [(String, ParsedJSON)],
    names: inout Set<String>
  ) throws {
    for (name, value) in members {
      let fullName = prefix + name
      if case .object(let inner) = value {
        guard nested == .flatten else {
          let example = inner.first.map { "'\(fullName).\($0.0)'" } ?? "'\(fullName).…'"
          throw CLIError.badData(
            file: input.path, at: "line \(lineNumber)",
            "field '\(fullName)' is a nested object; nested objects are rejected "
              + "(--nested flatten stores its members as columns such as \(example))")
        }
        try flatten(inner, prefix: fullName + ".", into: &output, names: &names)
        continue
      }
      guard output.count < ExchangeLimits.maximumColumns else {
        throw CLIError.badData(
          file: input.path, at: "line \(lineNumber)",
          "the line has more than \(ExchangeLimits.maximumColumns) fields")
      }
      guard names.insert(fullName).inserted else {
        throw CLIError.badData(
          file: input.path, at: "line \(lineNumber)", "field '\(fullName)' appears twice")
      }
      output.append((fullName, value))
    }
  }

  /// The type of a field from its values in the sample lines.
  private static func inferType(
    _ name: String, _ values: [(line: Int, value: ParsedJSON)], path: String
  ) throws -> ExchangeType {
    var kind: (name: String, line: Int)? = nil
    var allIntegers = true
    var dimension: Int? = nil
    for (line, value) in values {
      let current: String
      switch value {
      case .null: continue
      case .bool: current = "a boolean"
      case .string: current = "a string"
      case .object: current = "an object"
      case .number(let text, let isInteger):
        current = "a number"
        if !isInteger || Int64(text) == nil { allIntegers = false }
      case .array(let items):
        current = "an array"
        for (index, item) in items.enumerated() {
          guard case .number = item else {
            throw CLIError.badData(
              file: path, at: "line \(line)",
              "field '\(name)': element \(index) is \(item.kindName); arrays are read as vectors "
                + "and must hold only numbers")
          }
        }
        if items.isEmpty {
          throw CLIError.badData(
            file: path, at: "line \(line)",
            "field '\(name)' is an empty array (a vector needs elements)")
        }
        if let dimension, dimension != items.count {
          throw CLIError.badData(
            file: path, at: "line \(line)",
            "field '\(name)' has \(items.count) elements, but earlier lines had \(dimension)")
        }
        dimension = items.count
      }
      if let kind, kind.name != current {
        throw CLIError.badData(
          file: path, at: "line \(line)",
          "field '\(name)' is \(current) here but \(kind.name) on line \(kind.line) "
            + "(declare a type with --column-type \(name)=string)")
      }
      kind = kind ?? (current, line)
    }
    switch kind?.name {
    case nil, "a string": return .string
    case "a boolean": return .bool
    case "a number": return allIntegers ? .int64 : .float64
    default: return .vector(.float32, dimension: dimension ?? 0)
    }
  }
}
