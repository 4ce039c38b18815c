/// A JSON value parsed from one line of a JSON Lines file. Numbers keep their text, so a float32
/// is read straight from its decimal form (no detour through float64) and integers stay exact.
indirect enum ParsedJSON: Sendable {
  case null
  case bool(Bool)
  /// A number as written; `isInteger` when it has no fraction or exponent.
  case number(String, isInteger: Bool)
  case string(String)
  case array([ParsedJSON])
  case object([(String, ParsedJSON)])

  /// A short name of the value's kind, for messages.
  var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}

/// A strict JSON parser (RFC 8259) for one line of text.
struct JSONLineParser {
  /// Why a line does not parse, with the 1-based column.
  struct Problem: Error {
    var description: String
  }

  private let bytes: [UInt8]
  private var position = 0
  private var depth = 0

  /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
  static func parse(_ bytes: [UInt8]) throws(Problem) -> ParsedJSON {
    var parser = JSONLineParser(bytes: bytes)
    let value = try parser.value()
    parser.skipWhitespace()
    guard parser.position == bytes.count else {
      throw parser.problem("unexpected text after the value")
    }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private func problem(_ text: String) -> Problem {
    Problem(description: "\(text) at column \(position + 1)")
  }

  private mutating func skipWhitespace() {
    while position < bytes.count,
      bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A
        || bytes[position] == 0x0D
    {
      position += 1
    }
  }

  private mutating func value() throws(Problem) -> ParsedJSON {
    skipWhitespace()
    guard position < bytes.count else { throw problem("expected a value") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    case UInt8(ascii: "N"), UInt8(ascii: "I"):
      throw problem("NaN and Infinity are not JSON")
    default:
      throw problem("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
    }
  }

  private mutating func literal(_ word: String, _ value: ParsedJSON) throws(Problem) -> ParsedJSON {
    let utf8 = Array(word.utf8)
    guard position + utf8.count <= bytes.count,
      Array(bytes[position..<(position + utf8.count)]) == utf8
    else { throw problem("invalid literal") }
    position += utf8.count
    return value
  }

  private mutating func number() throws(Problem) -> ParsedJSON {
    let start = position
    var isInteger = true
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    func digits(_ parser: inout JSONLineParser) -> Int {
      let begin = parser.position
      while parser.position < parser.bytes.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.position])
      {
        parser.position += 1
      }
      return parser.position - begin
    }
    let integerDigits = digits(&self)
    guard integerDigits > 0 else { throw problem("a number needs digits") }
    if bytes[start + (bytes[start] == UInt8(ascii: "-") ? 1 : 0)] == UInt8(ascii: "0"),
      integerDigits > 1
    {
      throw problem("a number has a leading zero")
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      isInteger = false
      position += 1
      guard digits(&self) > 0 else { throw problem("a number needs digits after '.'") }
    }
    if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
      isInteger = false
      position += 1
      if position < bytes.count,
        bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
      {
        position += 1
      }
      guard digits(&self) > 0 else { throw problem("a number needs digits in its exponent") }
    }
    return .number(String(decoding: bytes[start..<position], as: UTF8.self), isInteger: isInteger)
  }

  private mutating func string() throws(Problem) -> String {
    position += 1  // the opening quote
    var output: [UInt8] = []
    while true {
      guard position < bytes.count else { throw problem("a string never closes") }
      let byte = bytes[position]
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: output, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard position < bytes.count else { throw problem("a string never closes") }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hexQuad()
          if (0xD800..<0xDC00).contains(scalar) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
              bytes[position + 1] == UInt8(ascii: "u")
            else { throw problem("a high surrogate without its low half") }
            position += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else {
              throw problem("an invalid surrogate pair")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw problem("an invalid \\u escape") }
          output.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
          throw problem("an invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
        }
      case 0..<0x20:
        throw problem("a control character inside a string")
      default:
        output.append(byte)
      }
    }
  }

  private mutating func hexQuad() throws(Problem) -> UInt32 {
    guard position + 4 <= bytes.count,
      let value = UInt32(
        String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
    else { throw problem("an invalid \\u escape") }
    position += 4
    return value
  }

  private mutating func array() throws(Problem) -> ParsedJSON {
    try enter()
    defer { depth -= 1 }
    position += 1
    var items: [ParsedJSON] = []
    if closesEmpty(UInt8(ascii: "]")) { return .array(items) }
    repeat {
      items.append(try value())
    } while try continues(closing: UInt8(ascii: "]"), "an array")
    return .array(items)
  }

  private mutating func object() throws(Problem) -> ParsedJSON {
    try enter()
    defer { depth -= 1 }
    position += 1
    var members: [(String, ParsedJSON)] = []
    if closesEmpty(UInt8(ascii: "}")) { return .object(members) }
    repeat {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw problem("expected a quoted member name")
      }
      let name = try string()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw problem("expected ':' after a member name")
      }
      position += 1
      members.append((name, try value()))
    } while try continues(closing: UInt8(ascii: "}"), "an object")
    return .object(members)
  }

  /// Just after an array's or object's opening bracket: consumes `close` when the container is
  /// empty.
  private mutating func closesEmpty(_ close: UInt8) -> Bool {
    skipWhitespace()
    guard position < bytes.count, bytes[position] == close else { return false }
    position += 1
    return true
  }

  /// After an element of `container` ("an array"): consumes the `,` before another element
  /// (true) or the `close` bracket that ends it (false).
  private mutating func continues(closing close: UInt8, _ container: String) throws(Problem)
    -> Bool
  {
    skipWhitespace()
    guard position < bytes.count else { throw problem("\(container) never closes") }
    let byte = bytes[position]
    guard byte == UInt8(ascii: ",") || byte == close else {
      throw problem("expected ',' or '\(Character(Unicode.Scalar(close)))'")
    }
    position += 1
    return byte == UInt8(ascii: ",")
  }

  private mutating func enter() throws(Problem) {
    depth += 1
    guard depth <= 64 else { throw problem("nesting deeper than 64 levels") }
  }
}
