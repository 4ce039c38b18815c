import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

/// Parses and returns the canonical text, failing the test on a parse error.
private func canonical(_ text: String) throws -> String {
  try FilterParser.parse(text).description
}

/// The error a text gives, or nil when it parses.
private func parseError(_ text: String) -> QueryError? {
  do {
    _ = try FilterParser.parse(text)
    return nil
  } catch {
    return error
  }
}

@Suite struct FilterParserTests {
  @Test(arguments: [
    ("price > 10", "price > 10"),
    ("price>10", "price > 10"),
    ("price >= 10", "price >= 10"),
    ("price <= -3", "price <= -3"),
    ("price < +3.5", "price < 3.5"),
    ("price = 1", "price = 1"),
    ("price == 1", "price = 1"),
    ("price != 1", "price != 1"),
    ("price <> 1", "price != 1"),
    ("10 < price", "10 < price"),
    ("a = b", "a = b"),
    ("x = 1e3", "x = 1000.0"),
    ("x = 2.5E-1", "x = 0.25"),
    ("x = .5", "x = 0.5"),
    ("x = 5.", "x = 5.0"),
    ("name = 'it''s'", "name = 'it''s'"),
    ("name = ''", "name = ''"),
    ("name = 'ünï cødé ✓'", "name = 'ünï cødé ✓'"),
    ("flag = TRUE", "flag = TRUE"),
    ("flag = false", "flag = FALSE"),
    ("flag", "flag"),
    ("NOT flag", "(NOT flag)"),
    ("not not flag", "(NOT (NOT flag))"),
  ])
  func comparisonsAndLiterals(input: String, expected: String) throws {
    #expect(try canonical(input) == expected)
  }

  @Test(arguments: [
    // AND binds tighter than OR; NOT tighter than AND; both left-associative.
    ("a = 1 OR b = 2 AND c = 3", "(a = 1 OR (b = 2 AND c = 3))"),
    ("a = 1 AND b = 2 OR c = 3", "((a = 1 AND b = 2) OR c = 3)"),
    ("(a = 1 OR b = 2) AND c = 3", "((a = 1 OR b = 2) AND c = 3)"),
    ("a = 1 AND b = 2 AND c = 3", "((a = 1 AND b = 2) AND c = 3)"),
    ("a = 1 OR b = 2 OR c = 3", "((a = 1 OR b = 2) OR c = 3)"),
    ("NOT a = 1 AND b = 2", "((NOT a = 1) AND b = 2)"),
    ("NOT (a = 1 AND b = 2)", "(NOT (a = 1 AND b = 2))"),
    ("((((a = 1))))", "a = 1"),
    ("a = 1 and b = 2 or NOT c = 3", "((a = 1 AND b = 2) OR (NOT c = 3))"),
  ])
  func precedence(input: String, expected: String) throws {
    #expect(try canonical(input) == expected)
  }

  @Test(arguments: [
    ("category IN ('a', 'b')", "category IN ('a', 'b')"),
    ("category in ('a')", "category IN ('a')"),
    ("id NOT IN (1, 2, -3)", "id NOT IN (1, 2, -3)"),
    ("x BETWEEN 1 AND 5", "x BETWEEN 1 AND 5"),
    ("x NOT BETWEEN 1.5 AND 2 AND y = 1", "(x NOT BETWEEN 1.5 AND 2 AND y = 1)"),
    ("x BETWEEN 1 AND 5 OR y BETWEEN 2 AND 3", "(x BETWEEN 1 AND 5 OR y BETWEEN 2 AND 3)"),
    ("x IS NULL", "x IS NULL"),
    ("x is not null", "x IS NOT NULL"),
    ("name LIKE 'ab%'", "name LIKE 'ab%'"),
    ("name NOT LIKE '_b\\%'", "name NOT LIKE '_b\\%'"),
    ("NOT name LIKE 'a%'", "(NOT name LIKE 'a%')"),
  ])
  func predicates(input: String, expected: String) throws {
    #expect(try canonical(input) == expected)
  }

  @Test func quotedAndKeywordLikeColumnNames() throws {
    #expect(try FilterParser.parse("`my col` = 1") == .comparison(
      .equal, .column("my col", position: 1), .literal(.integer(1), position: 12), position: 10))
    #expect(try canonical("\"and\" = 1") == "`and` = 1")
    #expect(try canonical("`a``b` = 1") == "`a``b` = 1")
    // DATE and TIMESTAMP name columns unless a string follows.
    #expect(try canonical("date > DATE '2024-01-02'") == "date > DATE '2024-01-02'")
    #expect(try canonical("timestamp IS NULL") == "timestamp IS NULL")
    #expect(try canonical("_private_1 = 0") == "_private_1 = 0")
  }

  @Test func positionsAreOneBasedCharacters() throws {
    let expression = try FilterParser.parse("é = 1 AND  bb > 'x'")
    guard case .and(let left, let right) = expression else {
      Issue.record("expected AND, got \(expression)")
      return
    }
    #expect(left.position == 1)
    #expect(right.position == 12)
    guard case .comparison(_, _, let literal, let operatorPosition) = right else {
      Issue.record("expected a comparison")
      return
    }
    #expect(operatorPosition == 15)
    #expect(literal.position == 17)
  }

  @Test(arguments: [
    ("DATE '2024-01-02'", FilterValue.date(19724)),
    ("DATE '2000-02-29'", .date(11016)),
    ("DATE '1969-12-31'", .date(-1)),
    ("DATE '1600-03-01'", .date(-135080)),
    ("TIMESTAMP '2024-01-02 03:04:05'", .timestamp(1_704_164_645_000_000)),
    ("TIMESTAMP '2024-01-02T03:04:05Z'", .timestamp(1_704_164_645_000_000)),
    ("timestamp '2024-01-02 03:04:05.123456'", .timestamp(1_704_164_645_123_456)),
    ("TIMESTAMP '2024-01-02 03:04:05.5'", .timestamp(1_704_164_645_500_000)),
    ("TIMESTAMP '2024-01-02 03:04:05+02:00'", .timestamp(1_704_157_445_000_000)),
    ("TIMESTAMP '2024-01-02 03:04'", .timestamp(1_704_164_640_000_000)),
    ("TIMESTAMP '2024-01-02'", .timestamp(1_704_153_600_000_000)),
    ("TIMESTAMP '1960-06-15 12:00:00'", .timestamp(-301_233_600_000_000)),
    ("9223372036854775807", .integer(Int64.max)),
    ("-9223372036854775808", .integer(Int64.min)),
    ("NULL", .null),
  ])
  func literalValues(input: String, expected: FilterValue) throws {
    let expression = try FilterParser.parse("x = \(input)")
    guard case .comparison(.equal, _, .literal(let value, _), _) = expression else {
      Issue.record("unexpected tree \(expression)")
      return
    }
    #expect(value == expected)
  }

  @Test func temporalLiteralsPrintBackTheSameValue() throws {
    for text in [
      "DATE '2024-01-02'", "DATE '1969-12-31'", "TIMESTAMP '2024-01-02 03:04:05'",
      "TIMESTAMP '1960-06-15 12:00:00.000001'",
    ] {
      let printed = try canonical("x = \(text)")
      #expect(printed == "x = \(text)")
    }
  }

  @Test(arguments: [
    ("", 1, "the filter is empty"),
    ("   ", 1, "the filter is empty"),
    ("price >", 8, "expected a value after '>', found the end of the filter"),
    ("price > 10 AND", 15, "expected a column, a value or '(', found the end of the filter"),
    ("price > 10 AND category IN 'a'", 28, "expected '(' after IN, found string 'a'"),
    ("category IN ('a' 'b')", 18, "expected ',' or ')' in the IN list, found string 'b'"),
    ("category IN ()", 14, "expected a value after '(', found ')'"),
    ("(a = 1", 7, "expected ')' to close the '(' at column 1, found the end of the filter"),
    ("a = 1)", 6, "expected AND, OR or the end of the filter, found ')'"),
    ("a = 1 b = 2", 7, "expected AND, OR or the end of the filter, found 'b'"),
    ("a BETWEEN 1 OR 2", 13, "expected AND between the bounds of BETWEEN, found 'OR'"),
    ("a IS 1", 6, "expected NULL or NOT NULL after IS, found number 1"),
    ("a IS NOT 1", 10, "expected NULL after IS NOT, found number 1"),
    ("a LIKE b", 8, "expected a pattern string in single quotes after LIKE, found 'b'"),
    ("name = 'abc", 8, "unterminated string: missing closing '"),
    ("`abc = 1", 1, "unterminated column name: missing closing `"),
    ("a ! 1", 3, "expected '=' after '!'"),
    ("a = 1 ; b", 7, "unexpected character ';'"),
    ("a = 12abc", 7, "unexpected character 'a' after number 12"),
    ("a = 1e", 7, "expected digits in the exponent of a number"),
    ("a = .", 5, "expected digits in a number"),
    ("a = - b", 7, "expected a number after '-' (arithmetic is not supported), found 'b'"),
    ("a = 99999999999999999999", 5, "integer 99999999999999999999 does not fit in 64 bits"),
    ("a = 1e999", 5, "number 1e999 is out of range"),
    ("and = 1", 1, "expected a column, a value or '(', found 'and'"),
    ("in = 1", 1, "'in' is a keyword; write `in` to name a column so called"),
    ("`` = 1", 1, "a quoted column name is empty"),
    ("d = DATE '2024-02-30'", 5, "invalid DATE '2024-02-30': day 30 does not exist in 2024-02"),
    ("d = DATE '2023-13-01'", 5, "invalid DATE '2023-13-01': month 13 is not in 1...12"),
    ("d = DATE '24-01-01'", 5, "invalid DATE '24-01-01': expected a date as YYYY-MM-DD, got '24-01-01'"),
    ("t = TIMESTAMP '2024-01-02 25:00:00'", 5,
     "invalid TIMESTAMP '2024-01-02 25:00:00': time 25:00 is out of range in '2024-01-02 25:00:00'"),
    ("t = TIMESTAMP '2024-01-02 03:04:05.1234567'", 5,
     "invalid TIMESTAMP '2024-01-02 03:04:05.1234567': fraction of a second must be 1 to 6 digits in '2024-01-02 03:04:05.1234567'"),
    ("t = TIMESTAMP '2024-01-02X03:04'", 5,
     "invalid TIMESTAMP '2024-01-02X03:04': expected ' ' or 'T' after the date in '2024-01-02X03:04'"),
  ])
  func syntaxErrorsNameThePosition(input: String, position: Int, message: String) {
    let error = parseError(input)
    #expect(error?.code == .syntaxError, "\(input)")
    #expect(error?.position == position, "\(input): \(String(describing: error))")
    #expect(error?.message == "at column \(position): \(message)", "\(input)")
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let deep = String(repeating: "(", count: 500) + "a = 1" + String(repeating: ")", count: 500)
    #expect(parseError(deep)?.code == .syntaxError)
    let deepNot = String(repeating: "NOT ", count: 500) + "a"
    #expect(parseError(deepNot)?.code == .syntaxError)
    let fine = String(repeating: "(", count: 50) + "a = 1" + String(repeating: ")", count: 50)
    #expect(parseError(fine) == nil)
  }

  @Test func longConjunctionsParseLinearly() throws {
    let text = (0..<2000).map { "c\($0 % 7) = \($0)" }.joined(separator: " AND ")
    let expression = try FilterParser.parse(text)
    #expect(expression.columnNames.count == 7)
  }

  @Test func randomGarbageNeverCrashes() {
    var generator = SeededGenerator(seed: 7)
    let alphabet = Array("ab1 .'`\"()=<>!,-+%_INOTANDBETWEENISNULLLIKE")
    for _ in 0..<3000 {
      let length = Int.random(in: 0...24, using: &generator)
      let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
      if let error = parseError(text) {
        #expect(error.position != nil && error.position! >= 1)
        #expect(error.position! <= text.unicodeScalars.count + 1)
      }
    }
  }
}
