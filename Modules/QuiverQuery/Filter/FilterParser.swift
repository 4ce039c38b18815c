/// A recursive-descent parser for the filter language, a small SQL `WHERE` dialect.
///
/// Grammar (keywords case-insensitive; precedence from loosest to tightest):
/// ```
/// filter     := or END
/// or         := and ( OR and )*
/// and        := not ( AND not )*
/// not        := NOT not | predicate
/// predicate  := operand [ COMPARISON operand
///                       | [NOT] IN '(' operand ( ',' operand )* ')'
///                       | [NOT] BETWEEN operand AND operand
///                       | IS [NOT] NULL
///                       | [NOT] LIKE string ]
/// operand    := column | literal | '(' or ')'
/// column     := identifier | `quoted` | "quoted"
/// literal    := string | [+|-] number | TRUE | FALSE | NULL
///             | TIMESTAMP string | DATE string
/// ```
/// `TIMESTAMP` and `DATE` begin a literal only when a string follows, so columns may use those
/// names unquoted; the other keywords must be quoted to be used as column names.
public enum FilterParser {
  /// Words that cannot name a column unless quoted.
  static let keywords: Set<String> = [
    "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "LIKE", "TRUE", "FALSE",
  ]

  /// Parses filter text into a syntax tree.
  ///
  /// - Throws: `QueryError` with `.syntaxError` and the position of the offending token,
  ///   e.g. "at column 17: expected a value after '>', found the end of the filter".
  /// - Complexity: O(n) in the length of the text.
  public static func parse(_ text: String) throws(QueryError) -> FilterExpression {
    var state = State(tokens: try FilterLexer.tokens(of: text))
    if state.current.kind == .end {
      throw QueryError(.syntaxError, at: 1, "the filter is empty")
    }
    let expression = try state.parseOr()
    guard state.current.kind == .end else {
      throw state.unexpected("AND, OR or the end of the filter")
    }
    let depth = treeDepth(of: expression)
    guard depth <= maximumTreeDepth else {
      throw QueryError(
        .syntaxError, at: 1,
        "the filter's expression tree is \(depth) levels deep; at most \(maximumTreeDepth) are allowed")
    }
    return expression
  }

  /// The deepest syntax tree a filter may have. The checker, evaluator and pruning walk the tree
  /// recursively, so its depth (not the filter's length) sets their stack use; chains of AND / OR
  /// are built balanced, so even very long chains stay shallow.
  package static let maximumTreeDepth = 128

  /// The depth of `expression`'s tree (a leaf is 1), found without recursion.
  /// - Complexity: O(nodes).
  package static func treeDepth(of expression: FilterExpression) -> Int {
    var deepest = 0
    var pending: [(FilterExpression, Int)] = [(expression, 1)]
    while let (node, depth) = pending.popLast() {
      deepest = max(deepest, depth)
      switch node {
      case .column, .literal: break
      case .comparison(_, let left, let right, _), .and(let left, let right),
        .or(let left, let right):
        pending.append((left, depth + 1))
        pending.append((right, depth + 1))
      case .not(let operand, _), .isNull(let operand, _, _), .like(let operand, _, _, _):
        pending.append((operand, depth + 1))
      case .inList(let operand, let values, _, _):
        pending.append((operand, depth + 1))
        for value in values { pending.append((value, depth + 1)) }
      case .between(let operand, let lower, let upper, _, _):
        pending.append((operand, depth + 1))
        pending.append((lower, depth + 1))
        pending.append((upper, depth + 1))
      }
    }
    return deepest
  }

  /// Joins `operands` (at least one) with `join` into a balanced tree of depth ⌈log₂ n⌉ + 1.
  ///
  /// The left part takes the largest power of two below `n`, so chains of two or three terms
  /// keep the left-leaning shape `((a OP b) OP c)`; AND and OR are associative, so the shape
  /// changes no result.
  fileprivate static func balanced(
    _ operands: ArraySlice<FilterExpression>,
    _ join: (FilterExpression, FilterExpression) -> FilterExpression
  ) -> FilterExpression {
    if operands.count == 1 { return operands[operands.startIndex] }
    var leftCount = 1
    while leftCount * 2 < operands.count { leftCount *= 2 }
    let middle = operands.startIndex + leftCount
    return join(balanced(operands[..<middle], join), balanced(operands[middle...], join))
  }

  struct State {
    var tokens: [FilterToken]
    var index = 0
    /// Nesting depth (parentheses and NOT), bounded so that hostile input cannot overflow the
    /// stack while parsing.
    var depth = 0
    static let maximumDepth = 64

    var current: FilterToken { tokens[index] }
    var following: FilterToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    func isKeyword(_ word: String, _ token: FilterToken? = nil) -> Bool {
      if case .identifier(let name) = (token ?? current).kind { return name.uppercased() == word }
      return false
    }

    mutating func accept(_ word: String) -> Bool {
      guard isKeyword(word) else { return false }
      advance()
      return true
    }

    func unexpected(_ expected: String) -> QueryError {
      QueryError(.syntaxError, at: current.position, "expected \(expected), found \(current.display)")
    }

    mutating func descend() throws(QueryError) {
      depth += 1
      if depth > Self.maximumDepth {
        throw QueryError(
          .syntaxError, at: current.position,
          "the filter nests deeper than \(Self.maximumDepth) levels")
      }
    }

    mutating func parseOr() throws(QueryError) -> FilterExpression {
      try descend()
      defer { depth -= 1 }
      var terms = [try parseAnd()]
      while accept("OR") { terms.append(try parseAnd()) }
      return FilterParser.balanced(terms[...]) { .or($0, $1) }
    }

    mutating func parseAnd() throws(QueryError) -> FilterExpression {
      var terms = [try parseNot()]
      while accept("AND") { terms.append(try parseNot()) }
      return FilterParser.balanced(terms[...]) { .and($0, $1) }
    }

    mutating func parseNot() throws(QueryError) -> FilterExpression {
      if isKeyword("NOT") {
        let position = current.position
        advance()
        try descend()
        defer { depth -= 1 }
        return .not(try parseNot(), position: position)
      }
      return try parsePredicate()
    }

    mutating func parsePredicate() throws(QueryError) -> FilterExpression {
      let operand = try parseOperand(after: nil)
      let position = current.position
      if case .comparison(let comparison) = current.kind {
        let symbol = current.display
        advance()
        let right = try parseOperand(after: symbol)
        return .comparison(comparison, operand, right, position: position)
      }
      if isKeyword("IS") {
        advance()
        let negated = accept("NOT")
        guard accept("NULL") else {
          throw unexpected(negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS")
        }
        return .isNull(operand, negated: negated, position: position)
      }
      var negated = false
      if isKeyword("NOT"), isKeyword("IN", following) || isKeyword("BETWEEN", following)
        || isKeyword("LIKE", following)
      {
        negated = true
        advance()
      }
      if accept("IN") {
        guard current.kind == .leftParenthesis else { throw unexpected("'(' after IN") }
        advance()
        var values: [FilterExpression] = [try parseOperand(after: "'('")]
        while current.kind == .comma {
          advance()
          values.append(try parseOperand(after: "','"))
        }
        guard current.kind == .rightParenthesis else {
          throw unexpected("',' or ')' in the IN list")
        }
        advance()
        return .inList(operand, values, negated: negated, position: position)
      }
      if accept("BETWEEN") {
        let lower = try parseOperand(after: "BETWEEN")
        guard accept("AND") else { throw unexpected("AND between the bounds of BETWEEN") }
        let upper = try parseOperand(after: "AND")
        return .between(operand, lower: lower, upper: upper, negated: negated, position: position)
      }
      if accept("LIKE") {
        guard case .string(let pattern) = current.kind else {
          throw unexpected("a pattern string in single quotes after LIKE")
        }
        advance()
        return .like(operand, pattern: pattern, negated: negated, position: position)
      }
      return operand
    }

    /// A column, a literal or a parenthesised expression. `previous` names the token before, for
    /// the message when the operand is missing.
    mutating func parseOperand(after previous: String?) throws(QueryError) -> FilterExpression {
      let token = current
      let position = token.position
      func missing() -> QueryError {
        unexpected(previous.map { "a value after \($0)" } ?? "a column, a value or '('")
      }
      switch token.kind {
      case .leftParenthesis:
        advance()
        let inner = try parseOr()
        guard current.kind == .rightParenthesis else {
          throw unexpected("')' to close the '(' at column \(position)")
        }
        advance()
        return inner
      case .string(let text):
        advance()
        return .literal(.string(text), position: position)
      case .integer, .float:
        return .literal(try number(negative: false, position: position), position: position)
      case .minus, .plus:
        advance()
        switch current.kind {
        case .integer, .float:
          return .literal(
            try number(negative: token.kind == .minus, position: position), position: position)
        default:
          throw unexpected("a number after \(token.display) (arithmetic is not supported)")
        }
      case .quotedIdentifier(let name):
        guard !name.isEmpty else {
          throw QueryError(.syntaxError, at: position, "a quoted column name is empty")
        }
        advance()
        return .column(name, position: position)
      case .identifier(let name):
        let upper = name.uppercased()
        switch upper {
        case "TRUE", "FALSE":
          advance()
          return .literal(.boolean(upper == "TRUE"), position: position)
        case "NULL":
          advance()
          return .literal(.null, position: position)
        case "TIMESTAMP", "DATE":
          if case .string(let text) = following.kind {
            advance()
            advance()
            return .literal(try temporal(upper, text, position: position), position: position)
          }
          advance()
          return .column(name, position: position)
        default:
          if FilterParser.keywords.contains(upper) {
            if previous == nil && (upper == "AND" || upper == "OR") || previous != nil {
              throw missing()
            }
            throw QueryError(
              .syntaxError, at: position,
              "'\(name)' is a keyword; write `\(name)` to name a column so called")
          }
          advance()
          return .column(name, position: position)
        }
      default:
        throw missing()
      }
    }

    /// Reads the current number token; the sign (if any) was already consumed.
    mutating func number(negative: Bool, position: Int) throws(QueryError) -> FilterValue {
      let token = current
      advance()
      switch token.kind {
      case .integer(let digits):
        guard let value = Int64((negative ? "-" : "") + digits) else {
          throw QueryError(
            .syntaxError, at: position,
            "integer \(negative ? "-" : "")\(digits) does not fit in 64 bits")
        }
        return .integer(value)
      case .float(let text):
        guard let value = Double(text), value.isFinite else {
          throw QueryError(.syntaxError, at: position, "number \(text) is out of range")
        }
        return .float(negative ? -value : value)
      default:
        preconditionFailure("number() called on a non-number token")
      }
    }

    func temporal(_ keyword: String, _ text: String, position: Int) throws(QueryError)
      -> FilterValue
    {
      if keyword == "DATE" {
        switch CivilTime.parseDate(Substring(text)) {
        case .success(let days):
          guard let narrow = Int32(exactly: days) else {
            throw QueryError(.syntaxError, at: position, "DATE '\(text)' is out of range")
          }
          return .date(narrow)
        case .failure(let failure):
          throw QueryError(.syntaxError, at: position, "invalid DATE '\(text)': \(failure.reason)")
        }
      }
      switch CivilTime.parseTimestamp(text) {
      case .success(let micros): return .timestamp(micros)
      case .failure(let failure):
        throw QueryError(
          .syntaxError, at: position, "invalid TIMESTAMP '\(text)': \(failure.reason)")
      }
    }
  }
}
