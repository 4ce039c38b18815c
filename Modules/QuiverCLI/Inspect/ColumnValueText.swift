import QuiverFormat

/// Short text and JSON for page statistics values.
enum ColumnValueText {
  /// `value` as text, strings quoted and cut to 32 characters.
  static func text(_ value: ColumnValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let number): return String(number)
    case .uint(let number): return String(number)
    case .float16Bits(let bits): return "\(HalfPrecision.float(fromBits: bits))"
    case .float(let number): return "\(number)"
    case .string(let text):
      return "\"" + (text.count > 32 ? String(text.prefix(32)) + "…" : text) + "\""
    case .binary(let bytes): return "<\(bytes.count) bytes>"
    case .timestamp(let micros): return "\(micros) µs"
    case .date(let days): return "day \(days)"
    case .vector(let values): return "<vector of \(values.count)>"
    case .byteVector(let values): return "<vector of \(values.count)>"
    }
  }

  /// `value` as JSON.
  static func json(_ value: ColumnValue) -> JSONValue {
    switch value {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .int(let number): return .integer(number)
    case .uint(let number): return .int(number)
    case .float16Bits(let bits): return .number(Double(HalfPrecision.float(fromBits: bits)))
    case .float(let number): return .number(number)
    case .string(let text): return .string(text)
    case .timestamp(let micros): return .integer(micros)
    case .date(let days): return .integer(Int64(days))
    case .binary, .vector, .byteVector: return .string(text(value))
    }
  }
}
