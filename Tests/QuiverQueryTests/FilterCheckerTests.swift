import QuiverQuery
import Testing

/// A table's columns for the checker tests.
let checkerColumns: [FilterColumn] = [
  FilterColumn(name: "id", kind: .signedInteger, typeName: "int64"),
  FilterColumn(name: "count", kind: .unsignedInteger, typeName: "uint32"),
  FilterColumn(name: "price", kind: .float, typeName: "float64"),
  FilterColumn(name: "category", kind: .string, typeName: "utf8"),
  FilterColumn(name: "label", kind: .string, typeName: "utf8"),
  FilterColumn(name: "flag", kind: .boolean, typeName: "bool"),
  FilterColumn(name: "created", kind: .timestamp, typeName: "timestamp[us, UTC]"),
  FilterColumn(name: "day", kind: .date, typeName: "date32"),
  FilterColumn(name: "blob", kind: .binary, typeName: "binary"),
  FilterColumn(name: "vector", kind: .other, typeName: "fixed_size_list<float32, 4>"),
]

private func column(_ name: String) -> FilterColumn {
  checkerColumns.first { $0.name == name }!
}

private func bind(_ text: String) throws -> BoundFilter {
  try Filter(text, columns: checkerColumns).bound
}

private func checkError(_ text: String) -> QueryError? {
  do {
    _ = try Filter(text, columns: checkerColumns)
    return nil
  } catch {
    return error
  }
}

@Suite struct FilterCheckerTests {
  @Test func comparisonsBindColumnsAndConvertLiterals() throws {
    #expect(try bind("price > 10") == .compare(column("price"), .greater, .integer(10)))
    #expect(try bind("10 < price") == .compare(column("price"), .greater, .integer(10)))
    #expect(try bind("id <= 2.5") == .compare(column("id"), .lessOrEqual, .float(2.5)))
    #expect(try bind("count = -1") == .compare(column("count"), .equal, .integer(-1)))
    #expect(try bind("category = 'a'") == .compare(column("category"), .equal, .string("a")))
    #expect(try bind("flag = TRUE") == .compare(column("flag"), .equal, .boolean(true)))
    #expect(try bind("flag") == .booleanColumn(column("flag")))
    #expect(
      try bind("created >= DATE '2024-01-02'")
        == .compare(column("created"), .greaterOrEqual, .timestamp(1_704_153_600_000_000)))
    #expect(
      try bind("created < '2024-01-02 03:04:05'")
        == .compare(column("created"), .less, .timestamp(1_704_164_645_000_000)))
    #expect(try bind("day = '2024-01-02'") == .compare(column("day"), .equal, .date(19724)))
    #expect(
      try bind("day < TIMESTAMP '2024-01-02 03:04:05'")
        == .compare(column("day"), .less, .timestamp(1_704_164_645_000_000)))
    #expect(try bind("price > id") == .compareColumns(column("price"), .greater, column("id")))
    #expect(try bind("label = category") == .compareColumns(column("label"), .equal, column("category")))
  }

  @Test func predicatesBind() throws {
    #expect(
      try bind("category IN ('a', 'b', 'a')")
        == .inSet(column("category"), [.string("a"), .string("b")], negated: false))
    #expect(
      try bind("id NOT IN (1, 2.5)") == .inSet(column("id"), [.integer(1), .float(2.5)], negated: true))
    #expect(
      try bind("price BETWEEN 1 AND 2")
        == .and(
          .compare(column("price"), .greaterOrEqual, .integer(1)),
          .compare(column("price"), .lessOrEqual, .integer(2))))
    #expect(
      try bind("price NOT BETWEEN 1 AND 2")
        == .not(
          .and(
            .compare(column("price"), .greaterOrEqual, .integer(1)),
            .compare(column("price"), .lessOrEqual, .integer(2)))))
    #expect(try bind("blob IS NULL") == .isNull(column("blob"), negated: false))
    #expect(try bind("vector IS NOT NULL") == .isNull(column("vector"), negated: true))
    #expect(
      try bind("label NOT LIKE 'a%'") == .like(column("label"), try LikePattern("a%"), negated: true))
    #expect(
      try bind("flag AND NOT price < 1 OR id = 3")
        == .or(
          .and(.booleanColumn(column("flag")), .not(.compare(column("price"), .less, .integer(1)))),
          .compare(column("id"), .equal, .integer(3))))
  }

  @Test func constantsFold() throws {
    #expect(try bind("TRUE") == .constant(true))
    #expect(try bind("NOT TRUE") == .constant(false))
    #expect(try bind("NULL") == .constant(nil))
    #expect(try bind("NOT NULL") == .constant(nil))
    #expect(try bind("1 = 1.0") == .constant(true))
    #expect(try bind("'b' > 'a'") == .constant(true))
    #expect(try bind("2 BETWEEN 1 AND 3") == .and(.constant(true), .constant(true)))
    #expect(try bind("3 IN (1, 2)") == .constant(false))
    #expect(try bind("3 NOT IN (1, 2)") == .constant(true))
    #expect(try bind("'abc' LIKE 'a_c'") == .constant(true))
    #expect(try bind("NULL IS NULL") == .constant(true))
    #expect(try bind("1 IS NOT NULL") == .constant(true))
    #expect(try bind("DATE '2024-01-02' = TIMESTAMP '2024-01-02 00:00:00'") == .constant(true))
  }

  @Test func readsItsColumns() throws {
    let filter = try Filter("price > 1 AND (category = 'a' OR price < id)", columns: checkerColumns)
    #expect(filter.columnNames == ["price", "category", "id"])
  }

  @Test(arguments: [
    ("prcie > 1", QueryError.Code.unknownColumn, 1,
     "unknown column 'prcie' (columns: id, count, price, category, label, flag, created, day, blob, vector)"),
    ("Price > 1", .unknownColumn, 1, "unknown column 'Price'; did you mean 'price'?"),
    ("id = 1 AND nope IS NULL", .unknownColumn, 12, "unknown column 'nope' (columns: id, count, price, category, label, flag, created, day, blob, vector)"),
    ("price > 'ten'", .typeMismatch, 9, "cannot compare column 'price' (float64) with string 'ten' in '>'"),
    ("category = 3", .typeMismatch, 12, "cannot compare column 'category' (utf8) with number 3 in '='"),
    ("flag = 1", .typeMismatch, 8, "cannot compare column 'flag' (bool) with number 1 in '='"),
    ("category IN ('a', 2)", .typeMismatch, 19, "cannot compare column 'category' (utf8) with number 2 in IN"),
    ("id IN (1, NULL)", .typeMismatch, 11, "NULL in an IN list never matches; use IS NULL"),
    ("price = NULL", .typeMismatch, 9, "a comparison with NULL is never true; use IS NULL or IS NOT NULL"),
    ("price", .typeMismatch, 1, "column 'price' (float64) is not a condition; compare it with a value"),
    ("price > 1 AND 5", .typeMismatch, 15, "5 is not a condition"),
    ("price LIKE 'a%'", .typeMismatch, 1, "LIKE needs a string column; 'price' is float64"),
    ("vector = 1", .typeMismatch, 10, "cannot compare column 'vector' (fixed_size_list<float32, 4>) with number 1 in '='"),
    ("blob = 'x'", .typeMismatch, 8, "cannot compare column 'blob' (binary) with string 'x' in '='"),
    ("created > 'yesterday'", .typeMismatch, 11,
     "column 'created' is timestamp[us, UTC] but 'yesterday' is not a timestamp: expected a date as YYYY-MM-DD, got 'yesterday'"),
    ("created > 5", .typeMismatch, 11, "cannot compare column 'created' (timestamp[us, UTC]) with number 5 in '>'"),
    ("price = category", .typeMismatch, 7, "cannot compare column 'price' (float64) with column 'category' (utf8)"),
    ("'a' = 1", .typeMismatch, 1, "cannot compare string 'a' with number 1"),
    ("(price > 1) = TRUE", .unsupported, 2, "each side of '=' must be a column or a value, not a condition"),
    ("id IN (1, price)", .unsupported, 11, "an IN list holds values only"),
    ("label LIKE 'abc\\'", .syntaxError, 7, "LIKE pattern 'abc\\' ends with an escape character '\\'"),
  ])
  func typeErrorsNameColumnAndPosition(
    input: String, code: QueryError.Code, position: Int, message: String
  ) {
    let error = checkError(input)
    #expect(error?.code == code, "\(input): \(String(describing: error))")
    #expect(error?.position == position, "\(input): \(String(describing: error))")
    #expect(error?.message == "at column \(position): \(message)", "\(input)")
  }
}
