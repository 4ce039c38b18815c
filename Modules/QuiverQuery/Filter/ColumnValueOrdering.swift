import QuiverFormat

/// Orders single values for the slow paths (column-to-column comparisons, statistics).
package enum ColumnValueOrdering {
  /// Lexicographic order of raw bytes against a literal's bytes: -1, 0 or 1.
  @inline(__always)
  package static func orderBytes(_ raw: UnsafeRawBufferPointer, _ literal: [UInt8]) -> Int {
    let common = min(raw.count, literal.count)
    for index in 0..<common where raw[index] != literal[index] {
      return raw[index] < literal[index] ? -1 : 1
    }
    return raw.count == literal.count ? 0 : (raw.count < literal.count ? -1 : 1)
  }

  /// A numeric view of a value: exact integers where possible, doubles otherwise.
  enum Number {
    case signed(Int64)
    case unsigned(UInt64)
    case float(Double)
  }

  static func number(_ value: ColumnValue) -> Number? {
    switch value {
    case .int(let value): .signed(value)
    case .uint(let value): .unsigned(value)
    case .float(let value): .float(value)
    case .float16Bits(let bits): .float(Double(HalfPrecision.float(fromBits: bits)))
    default: nil
    }
  }

  static func number(_ literal: FilterValue) -> Number? {
    switch literal {
    case .integer(let value): .signed(value)
    case .float(let value): .float(value)
    default: nil
    }
  }

  static func order(_ left: Number, _ right: Number) -> Int? {
    func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
    switch (left, right) {
    case (.signed(let a), .signed(let b)): return sign(a, b)
    case (.unsigned(let a), .unsigned(let b)): return sign(a, b)
    case (.signed(let a), .unsigned(let b)): return a < 0 ? -1 : sign(UInt64(a), b)
    case (.unsigned(let a), .signed(let b)): return b < 0 ? 1 : sign(a, UInt64(b))
    default:
      let a = double(left)
      let b = double(right)
      if a.isNaN || b.isNaN { return nil }
      return sign(a, b)
    }
  }

  static func double(_ number: Number) -> Double {
    switch number {
    case .signed(let value): Double(value)
    case .unsigned(let value): Double(value)
    case .float(let value): value
    }
  }

  /// Microseconds for temporal values.
  static func micros(_ value: ColumnValue) -> Int64? {
    switch value {
    case .timestamp(let value): value
    case .date(let days): Int64(days) * 86_400_000_000
    default: nil
    }
  }

  static func micros(_ literal: FilterValue) -> Int64? {
    switch literal {
    case .timestamp(let value): value
    case .date(let days): Int64(days) * 86_400_000_000
    default: nil
    }
  }

  /// The order of two cells of comparable types, or nil when either is null or NaN or the
  /// types do not compare.
  package static func order(_ left: ColumnValue, _ right: ColumnValue) -> Int? {
    if let a = number(left), let b = number(right) { return order(a, b) }
    if let a = micros(left), let b = micros(right) { return a < b ? -1 : (a == b ? 0 : 1) }
    switch (left, right) {
    case (.string(let a), .string(let b)):
      return a == b ? 0 : (a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1)
    case (.bool(let a), .bool(let b)):
      return a == b ? 0 : (!a ? -1 : 1)
    default:
      return nil
    }
  }

  /// The order of a cell against a literal in the column's representation (see
  /// `FilterChecker`), or nil when the cell is null or NaN or they do not compare.
  package static func order(_ value: ColumnValue, _ literal: FilterValue) -> Int? {
    if let a = number(value), let b = number(literal) { return order(a, b) }
    if let a = micros(value), let b = micros(literal) { return a < b ? -1 : (a == b ? 0 : 1) }
    switch (value, literal) {
    case (.string(let a), .string(let b)):
      return a == b ? 0 : (a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1)
    case (.bool(let a), .boolean(let b)):
      return a == b ? 0 : (!a ? -1 : 1)
    default:
      return nil
    }
  }
}
