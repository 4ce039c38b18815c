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

  /// What of a cell or literal takes part in ordering: a number, a time (microseconds since
  /// the epoch; dates at midnight), a string or a boolean. Nulls, vectors and bytes do not.
  enum Orderable {
    case number(Number)
    case micros(Int64)
    case string(String)
    case boolean(Bool)
  }

  static func orderable(_ value: ColumnValue) -> Orderable? {
    switch value {
    case .int(let value): .number(.signed(value))
    case .uint(let value): .number(.unsigned(value))
    case .float(let value): .number(.float(value))
    case .float16Bits(let bits): .number(.float(Double(HalfPrecision.float(fromBits: bits))))
    case .timestamp(let value): .micros(value)
    case .date(let days): .micros(Int64(days) * 86_400_000_000)
    case .string(let value): .string(value)
    case .bool(let value): .boolean(value)
    default: nil
    }
  }

  static func orderable(_ literal: FilterValue) -> Orderable? {
    switch literal {
    case .integer(let value): .number(.signed(value))
    case .float(let value): .number(.float(value))
    case .timestamp(let value): .micros(value)
    case .date(let days): .micros(Int64(days) * 86_400_000_000)
    case .string(let value): .string(value)
    case .boolean(let value): .boolean(value)
    default: nil
    }
  }

  /// The order of two orderable values of the same kind, or nil when they are of different
  /// kinds or a number is NaN.
  static func order(_ left: Orderable?, _ right: Orderable?) -> Int? {
    switch (left, right) {
    case (.number(let a), .number(let b)): order(a, b)
    case (.micros(let a), .micros(let b)): a < b ? -1 : (a == b ? 0 : 1)
    case (.string(let a), .string(let b)):
      a == b ? 0 : (a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1)
    case (.boolean(let a), .boolean(let b)): a == b ? 0 : (!a ? -1 : 1)
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

  /// The order of two cells of comparable types, or nil when either is null or NaN or the
  /// types do not compare.
  package static func order(_ left: ColumnValue, _ right: ColumnValue) -> Int? {
    order(orderable(left), orderable(right))
  }

  /// The order of a cell against a literal in the column's representation (see
  /// `FilterChecker`), or nil when the cell is null or NaN or they do not compare.
  package static func order(_ value: ColumnValue, _ literal: FilterValue) -> Int? {
    order(orderable(value), orderable(literal))
  }
}
