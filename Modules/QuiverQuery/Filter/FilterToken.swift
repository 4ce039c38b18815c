/// One token of the filter language, with the 1-based character position where it starts.
struct FilterToken: Sendable, Hashable {
  /// What the token is.
  enum Kind: Sendable, Hashable {
    /// An unquoted name (keywords are recognised by the parser, case-insensitively).
    case identifier(String)
    /// A name in backticks or double quotes: always a column, never a keyword.
    case quotedIdentifier(String)
    /// A string in single quotes, with `''` read as one quote.
    case string(String)
    /// An integer literal's digits (range is checked by the parser, which knows the sign).
    case integer(String)
    /// A decimal or exponent literal's text.
    case float(String)
    /// `=`, `==`, `!=`, `<>`, `<`, `<=`, `>`, `>=`.
    case comparison(FilterComparison)
    /// `(`.
    case leftParenthesis
    /// `)`.
    case rightParenthesis
    /// `,`.
    case comma
    /// `-` (only meaningful before a number).
    case minus
    /// `+` (only meaningful before a number).
    case plus
    /// The end of the text.
    case end
  }

  var kind: Kind
  var position: Int

  /// How the token reads in an error message.
  var display: String {
    switch kind {
    case .identifier(let name): return "'\(name)'"
    case .quotedIdentifier(let name): return "`\(name)`"
    case .string(let text): return "string '\(text)'"
    case .integer(let text), .float(let text): return "number \(text)"
    case .comparison(let comparison): return "'\(comparison.symbol)'"
    case .leftParenthesis: return "'('"
    case .rightParenthesis: return "')'"
    case .comma: return "','"
    case .minus: return "'-'"
    case .plus: return "'+'"
    case .end: return "the end of the filter"
    }
  }
}
