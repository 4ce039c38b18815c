import QuiverFormat

/// Accumulates the values of one column, parsed from text (CSV fields, JSON numbers) into the
/// column's type, and hands them out as an `ExchangeColumn`.
struct ColumnBuilder {
  /// The column being built.
  let field: ExchangeField
  private var column: ExchangeColumn

  /// Why a value does not fit the column; the reader adds the file, line and column name.
  struct Problem: Error {
    var description: String
  }

  /// Starts an empty column.
  init(field: ExchangeField) {
    self.field = field
    switch field.type {
    case .bool: column = .bool([])
    case .int64: column = .int64([])
    case .float32: column = .float32([])
    case .float64: column = .float64([])
    case .string: column = .string([])
    case .binary: column = .binary([])
    case .vector(let element, let dimension):
      column = .vector(element, dimension: dimension, bytes: [])
    }
  }

  /// Takes the values built so far, leaving the builder empty.
  mutating func take() -> ExchangeColumn {
    let result = column
    self = ColumnBuilder(field: field)
    return result
  }

  /// Appends a null.
  /// - Throws: for a vector column (vectors cannot be null).
  mutating func appendNull() throws(Problem) {
    switch column {
    case .bool(var values):
      values.append(nil)
      column = .bool(values)
    case .int64(var values):
      values.append(nil)
      column = .int64(values)
    case .float32(var values):
      values.append(nil)
      column = .float32(values)
    case .float64(var values):
      values.append(nil)
      column = .float64(values)
    case .string(var values):
      values.append(nil)
      column = .string(values)
    case .binary(var values):
      values.append(nil)
      column = .binary(values)
    case .vector: throw Problem(description: "is empty or null, but a vector is required")
    }
  }

  /// Appends a scalar written as text (`true`, `42`, `-1.5e3`, any string), or a vector written
  /// as `[1.0, 2.5, …]`.
  mutating func append(text: String) throws(Problem) {
    switch field.type {
    case .binary:
      throw Problem(description: "is text, but binary columns are not read from text files")
    case .string:
      guard case .string(var values) = column else { fatalError("column and type disagree") }
      column = .string([])
      values.append(text)
      column = .string(values)
    case .bool:
      guard let value = TextValue.bool(text) else { throw mismatch(text) }
      guard case .bool(var values) = column else { fatalError("column and type disagree") }
      column = .bool([])
      values.append(value)
      column = .bool(values)
    case .int64:
      guard let value = Int64(text) else { throw mismatch(text) }
      guard case .int64(var values) = column else { fatalError("column and type disagree") }
      column = .int64([])
      values.append(value)
      column = .int64(values)
    case .float32:
      guard let value = TextValue.float(text) else { throw mismatch(text) }
      guard case .float32(var values) = column else { fatalError("column and type disagree") }
      column = .float32([])
      values.append(value)
      column = .float32(values)
    case .float64:
      guard let value = TextValue.double(text) else { throw mismatch(text) }
      guard case .float64(var values) = column else { fatalError("column and type disagree") }
      column = .float64([])
      values.append(value)
      column = .float64(values)
    case .vector(let element, let dimension):
      if element == .float32, case .vector(_, _, var bytes) = column {
        column = .vector(element, dimension: dimension, bytes: [])
        let parsed = FloatListParser.appendFloat32List(text, dimension: dimension, to: &bytes)
        column = .vector(element, dimension: dimension, bytes: bytes)
        if parsed { return }
      }
      guard let elements = TextValue.list(text) else { throw mismatch(text) }
      try append(vectorElements: elements)
    }
  }

  /// Appends a vector given as the text of its elements.
  mutating func append(vectorElements elements: [Substring]) throws(Problem) {
    guard case .vector(let element, let dimension) = field.type,
      case .vector(_, _, var bytes) = column
    else {
      throw Problem(description: "is a list, but the column's type is \(field.type)")
    }
    guard elements.count == dimension else {
      throw Problem(
        description: "has \(elements.count) elements, but the column's dimension is \(dimension)")
    }
    column = .vector(element, dimension: dimension, bytes: [])
    defer { column = .vector(element, dimension: dimension, bytes: bytes) }
    for (position, text) in elements.enumerated() {
      let bits: UInt32
      switch element {
      case .float32:
        guard let value = TextValue.float(text) else { throw elementProblem(position, text) }
        bits = value.bitPattern
      case .float16:
        guard let value = TextValue.float(text) else { throw elementProblem(position, text) }
        bits = UInt32(HalfPrecision.bits(from: value))
      case .uint8:
        guard let value = UInt8(text) else { throw elementProblem(position, text) }
        bits = UInt32(value)
      case .int32:
        guard let value = Int32(text) else { throw elementProblem(position, text) }
        bits = UInt32(bitPattern: value)
      }
      for byte in 0..<element.byteWidth {
        bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * byte)))
      }
    }
  }

  /// Appends a boolean (from JSON `true` / `false`).
  mutating func append(bool value: Bool) throws(Problem) {
    guard case .bool(var values) = column else {
      throw Problem(description: "is a boolean, but the column's type is \(field.type)")
    }
    column = .bool([])
    values.append(value)
    column = .bool(values)
  }

  private func mismatch(_ text: String) -> Problem {
    let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
    return Problem(description: "'\(shown)' is not a \(field.type)")
  }

  private func elementProblem(_ position: Int, _ text: Substring) -> Problem {
    guard case .vector(let element, _) = field.type else { fatalError("not a vector column") }
    return Problem(description: "element \(position) '\(text)' is not a \(element.rawValue)")
  }
}
