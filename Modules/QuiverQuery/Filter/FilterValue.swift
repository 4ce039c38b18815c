/// A literal value in a filter expression.
public enum FilterValue: Sendable, Hashable, CustomStringConvertible {
  /// `NULL`.
  case null
  /// `TRUE` or `FALSE`.
  case boolean(Bool)
  /// A whole number.
  case integer(Int64)
  /// A number with a fraction or exponent.
  case float(Double)
  /// A string in single quotes.
  case string(String)
  /// `TIMESTAMP '…'`: microseconds since 1970-01-01T00:00:00Z.
  case timestamp(Int64)
  /// `DATE '…'`: days since 1970-01-01.
  case date(Int32)

  /// A short readable form, for messages and logs.
  public var description: String {
    switch self {
    case .null: "NULL"
    case .boolean(let value): value ? "TRUE" : "FALSE"
    case .integer(let value): "\(value)"
    case .float(let value): "\(value)"
    case .string(let value): "'\(value.replacing("'", with: "''"))'"
    case .timestamp(let value): "TIMESTAMP '\(CivilTime.format(microseconds: value))'"
    case .date(let value): "DATE '\(CivilTime.format(days: value))'"
    }
  }
}
