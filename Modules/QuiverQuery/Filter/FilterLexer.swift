/// Cuts filter text into tokens. Positions are 1-based and count Unicode scalars.
struct FilterLexer {
  private let scalars: [Unicode.Scalar]
  private var index = 0

  init(_ text: String) { scalars = Array(text.unicodeScalars) }

  /// All tokens of the text, ending with `.end`.
  ///
  /// - Throws: `QueryError.syntaxError` for an unterminated string or quoted name, or a
  ///   character that starts no token.
  static func tokens(of text: String) throws(QueryError) -> [FilterToken] {
    var lexer = FilterLexer(text)
    var tokens: [FilterToken] = []
    while true {
      let token = try lexer.next()
      tokens.append(token)
      if token.kind == .end { return tokens }
    }
  }

  private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
    index + offset < scalars.count ? scalars[index + offset] : nil
  }

  private mutating func next() throws(QueryError) -> FilterToken {
    while let scalar = peek(), scalar.properties.isWhitespace { index += 1 }
    let start = index + 1
    guard let scalar = peek() else { return FilterToken(kind: .end, position: start) }
    func token(_ kind: FilterToken.Kind, length: Int) -> FilterToken {
      index += length
      return FilterToken(kind: kind, position: start)
    }
    switch scalar {
    case "(": return token(.leftParenthesis, length: 1)
    case ")": return token(.rightParenthesis, length: 1)
    case ",": return token(.comma, length: 1)
    case "-": return token(.minus, length: 1)
    case "+": return token(.plus, length: 1)
    case "=": return token(.comparison(.equal), length: peek(1) == "=" ? 2 : 1)
    case "!":
      guard peek(1) == "=" else {
        throw QueryError(.syntaxError, at: start, "expected '=' after '!'")
      }
      return token(.comparison(.notEqual), length: 2)
    case "<":
      if peek(1) == "=" { return token(.comparison(.lessOrEqual), length: 2) }
      if peek(1) == ">" { return token(.comparison(.notEqual), length: 2) }
      return token(.comparison(.less), length: 1)
    case ">":
      if peek(1) == "=" { return token(.comparison(.greaterOrEqual), length: 2) }
      return token(.comparison(.greater), length: 1)
    case "'":
      return FilterToken(kind: .string(try quoted(by: "'", what: "string")), position: start)
    case "`":
      return FilterToken(
        kind: .quotedIdentifier(try quoted(by: "`", what: "column name")), position: start)
    case "\"":
      return FilterToken(
        kind: .quotedIdentifier(try quoted(by: "\"", what: "column name")), position: start)
    case "0"..."9", ".":
      return try number(start: start)
    default:
      if scalar == "_" || scalar.properties.isAlphabetic {
        var name = String.UnicodeScalarView()
        while let next = peek(),
          next == "_" || next.properties.isAlphabetic || ("0"..."9").contains(next)
        {
          name.append(next)
          index += 1
        }
        return FilterToken(kind: .identifier(String(name)), position: start)
      }
      throw QueryError(.syntaxError, at: start, "unexpected character '\(scalar)'")
    }
  }

  /// Reads text between `quote`s; a doubled quote stands for one.
  private mutating func quoted(by quote: Unicode.Scalar, what: String) throws(QueryError)
    -> String
  {
    let start = index + 1
    index += 1
    var text = String.UnicodeScalarView()
    while true {
      guard let scalar = peek() else {
        throw QueryError(.syntaxError, at: start, "unterminated \(what): missing closing \(quote)")
      }
      index += 1
      if scalar == quote {
        if peek() == quote {
          text.append(quote)
          index += 1
        } else {
          return String(text)
        }
      } else {
        text.append(scalar)
      }
    }
  }

  private mutating func number(start: Int) throws(QueryError) -> FilterToken {
    var text = ""
    var isFloat = false
    func digits(into text: inout String) -> Int {
      var count = 0
      while let scalar = peek(), ("0"..."9").contains(scalar) {
        text.unicodeScalars.append(scalar)
        index += 1
        count += 1
      }
      return count
    }
    var digitCount = digits(into: &text)
    if peek() == "." {
      isFloat = true
      text += "."
      index += 1
      digitCount += digits(into: &text)
    }
    guard digitCount > 0 else {
      throw QueryError(.syntaxError, at: start, "expected digits in a number")
    }
    if let e = peek(), e == "e" || e == "E" {
      isFloat = true
      text += "e"
      index += 1
      if let sign = peek(), sign == "+" || sign == "-" {
        text.unicodeScalars.append(sign)
        index += 1
      }
      guard digits(into: &text) > 0 else {
        throw QueryError(.syntaxError, at: index + 1, "expected digits in the exponent of a number")
      }
    }
    if let scalar = peek(), scalar == "_" || scalar.properties.isAlphabetic {
      throw QueryError(
        .syntaxError, at: index + 1, "unexpected character '\(scalar)' after number \(text)")
    }
    return FilterToken(kind: isFloat ? .float(text) : .integer(text), position: start)
  }
}
