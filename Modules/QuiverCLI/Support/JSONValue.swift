/// A JSON value with object keys kept in the order they were added, so `--json` output is stable
/// and reads in the same order as the text output.
enum JSONValue: Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  /// A number already written in JSON syntax (a float32 in its shortest round-trip form).
  case literal(String)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// An integer value from any binary integer (values beyond `Int64` become numbers).
  static func int<T: BinaryInteger>(_ value: T) -> JSONValue {
    if let exact = Int64(exactly: value) { return .integer(exact) }
    return .number(Double(value))
  }

  /// The value as JSON text; `indent` > 0 pretty-prints with that many spaces per level.
  func serialized(indent: Int = 2) -> String {
    var output = ""
    write(to: &output, indent: indent, level: 0)
    return output
  }

  private func write(to output: inout String, indent: Int, level: Int) {
    let newline = indent > 0 ? "\n" : ""
    let pad = { (level: Int) in String(repeating: " ", count: indent * level) }
    let separator = indent > 0 ? ": " : ":"
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .integer(let value): output += String(value)
    case .number(let value): output += JSONValue.format(value)
    case .literal(let text): output += text
    case .string(let value): JSONValue.writeString(value, to: &output)
    case .array(let values):
      if values.isEmpty {
        output += "[]"
        return
      }
      output += "[" + newline
      for (position, value) in values.enumerated() {
        output += pad(level + 1)
        value.write(to: &output, indent: indent, level: level + 1)
        output += (position + 1 < values.count ? "," : "") + newline
      }
      output += pad(level) + "]"
    case .object(let members):
      if members.isEmpty {
        output += "{}"
        return
      }
      output += "{" + newline
      for (position, (key, value)) in members.enumerated() {
        output += pad(level + 1)
        JSONValue.writeString(key, to: &output)
        output += separator
        value.write(to: &output, indent: indent, level: level + 1)
        output += (position + 1 < members.count ? "," : "") + newline
      }
      output += pad(level) + "}"
    }
  }

  /// A finite double in its shortest round-trip form; NaN and infinities (not JSON) as `null`.
  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) + ".0" }
    return "\(value)"
  }

  /// Appends `text` as a quoted JSON string with the escapes JSON requires.
  static func writeString(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
