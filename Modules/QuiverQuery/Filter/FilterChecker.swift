/// Type-checks a parsed filter against the columns of a table and produces a `BoundFilter`.
///
/// Rules:
/// - numbers compare with numeric columns (integers and floats mix freely);
/// - strings compare with string columns, and with timestamp/date columns when the string reads
///   as a timestamp or date;
/// - `TIMESTAMP` and `DATE` literals compare with timestamp and date columns (a date is midnight
///   UTC);
/// - booleans compare with boolean columns; a boolean column alone is a condition;
/// - binary and vector columns only take `IS [NOT] NULL`;
/// - `= NULL` is refused (it is never true; `IS NULL` is meant).
enum FilterChecker {
  /// Orders strings by their UTF-8 bytes (which is Unicode scalar order), as evaluation does.
  static func orderUTF8(_ a: String, _ b: String) -> Int {
    if a == b { return 0 }
    return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
  }

  static func check(_ expression: FilterExpression, columns: [FilterColumn]) throws(QueryError)
    -> BoundFilter
  {
    var byName: [String: FilterColumn] = [:]
    for column in columns { byName[column.name] = column }
    let checker = Checker(columns: columns, byName: byName)
    return try checker.condition(expression)
  }

  struct Checker {
    let columns: [FilterColumn]
    let byName: [String: FilterColumn]

    func resolve(_ name: String, position: Int) throws(QueryError) -> FilterColumn {
      if let column = byName[name] { return column }
      var message = "unknown column '\(name)'"
      if let near = columns.first(where: { $0.name.lowercased() == name.lowercased() }) {
        message += "; did you mean '\(near.name)'?"
      } else {
        let names = columns.map(\.name)
        message += " (columns: \(names.prefix(20).joined(separator: ", "))\(names.count > 20 ? ", …" : ""))"
      }
      throw QueryError(.unknownColumn, at: position, message)
    }

    /// Checks an expression used as a condition (it must produce a truth value).
    func condition(_ expression: FilterExpression) throws(QueryError) -> BoundFilter {
      switch expression {
      case .and(let left, let right):
        return .and(try condition(left), try condition(right))
      case .or(let left, let right):
        return .or(try condition(left), try condition(right))
      case .not(let operand, _):
        // Checked once: checking it again per branch made `NOT NOT … x` cost 2ⁿ.
        let checked = try condition(operand)
        if case .constant(let value) = checked { return .constant(value.map(!)) }
        return .not(checked)
      case .column(let name, let position):
        let column = try resolve(name, position: position)
        guard column.kind == .boolean else {
          throw QueryError(
            .typeMismatch, at: position,
            "column '\(name)' (\(column.typeName)) is not a condition; compare it with a value")
        }
        return .booleanColumn(column)
      case .literal(let value, let position):
        switch value {
        case .boolean(let truth): return .constant(truth)
        case .null: return .constant(nil)
        default:
          throw QueryError(.typeMismatch, at: position, "\(value) is not a condition")
        }
      case .comparison(let comparison, let left, let right, let position):
        return try compare(comparison, left, right, position: position)
      case .between(let operand, let lower, let upper, let negated, let position):
        let range = BoundFilter.and(
          try compare(.greaterOrEqual, operand, lower, position: position),
          try compare(.lessOrEqual, operand, upper, position: position))
        return negated ? .not(range) : range
      case .isNull(let operand, let negated, _):
        switch operand {
        case .column(let name, let position):
          return .isNull(try resolve(name, position: position), negated: negated)
        case .literal(let value, _):
          return .constant((value == .null) != negated)
        default:
          throw QueryError(
            .unsupported, at: operand.position, "IS NULL applies to a column or a value")
        }
      case .like(let operand, let pattern, let negated, let position):
        let compiled = try LikePattern(pattern, position: position)
        switch operand {
        case .column(let name, let columnPosition):
          let column = try resolve(name, position: columnPosition)
          guard column.kind == .string else {
            throw QueryError(
              .typeMismatch, at: columnPosition,
              "LIKE needs a string column; '\(name)' is \(column.typeName)")
          }
          return .like(column, compiled, negated: negated)
        case .literal(.string(let text), _):
          return .constant(compiled.matches(text) != negated)
        case .literal(.null, _):
          return .constant(nil)
        default:
          throw QueryError(
            .typeMismatch, at: operand.position, "LIKE needs a string column on its left")
        }
      case .inList(let operand, let values, let negated, _):
        return try inList(operand, values, negated: negated)
      }
    }

    func inList(_ operand: FilterExpression, _ values: [FilterExpression], negated: Bool)
      throws(QueryError) -> BoundFilter
    {
      var literals: [(FilterValue, Int)] = []
      for value in values {
        guard case .literal(let literal, let position) = value else {
          throw QueryError(.unsupported, at: value.position, "an IN list holds values only")
        }
        if literal == .null {
          throw QueryError(
            .typeMismatch, at: position, "NULL in an IN list never matches; use IS NULL")
        }
        literals.append((literal, position))
      }
      switch operand {
      case .column(let name, let position):
        let column = try resolve(name, position: position)
        var converted: [FilterValue] = []
        for (literal, literalPosition) in literals {
          let value = try convert(literal, for: column, position: literalPosition, role: "IN")
          if !converted.contains(value) { converted.append(value) }
        }
        return .inSet(column, converted, negated: negated)
      case .literal(let left, let position):
        if left == .null { return .constant(nil) }
        var found = false
        for (literal, literalPosition) in literals {
          let ordering = try orderLiterals(
            left, literal, position: position, otherPosition: literalPosition)
          if ordering == 0 { found = true }
        }
        return .constant(found != negated)
      default:
        throw QueryError(.unsupported, at: operand.position, "IN applies to a column or a value")
      }
    }

    func compare(
      _ comparison: FilterComparison, _ left: FilterExpression, _ right: FilterExpression,
      position: Int
    ) throws(QueryError) -> BoundFilter {
      for side in [left, right] {
        if case .literal(.null, let nullPosition) = side {
          throw QueryError(
            .typeMismatch, at: nullPosition,
            "a comparison with NULL is never true; use IS NULL or IS NOT NULL")
        }
      }
      switch (left, right) {
      case (.column(let name, let columnPosition), .literal(let value, let literalPosition)):
        let column = try resolve(name, position: columnPosition)
        let converted = try convert(
          value, for: column, position: literalPosition, role: "'\(comparison.symbol)'")
        return .compare(column, comparison, converted)
      case (.literal, .column):
        return try compare(comparison.mirrored, right, left, position: position)
      case (.column(let leftName, let leftPosition), .column(let rightName, let rightPosition)):
        let leftColumn = try resolve(leftName, position: leftPosition)
        let rightColumn = try resolve(rightName, position: rightPosition)
        let compatible =
          (leftColumn.isNumeric && rightColumn.isNumeric)
          || (leftColumn.isTemporal && rightColumn.isTemporal)
          || (leftColumn.kind == rightColumn.kind
            && [.string, .boolean].contains(leftColumn.kind))
        guard compatible else {
          throw QueryError(
            .typeMismatch, at: position,
            "cannot compare column '\(leftName)' (\(leftColumn.typeName)) with column "
              + "'\(rightName)' (\(rightColumn.typeName))")
        }
        return .compareColumns(leftColumn, comparison, rightColumn)
      case (.literal(let leftValue, let leftPosition), .literal(let rightValue, let rightPosition)):
        let ordering = try orderLiterals(
          leftValue, rightValue, position: leftPosition, otherPosition: rightPosition)
        return .constant(comparison.holds(ordering: ordering))
      default:
        let culprit = [left, right].first { expression in
          switch expression {
          case .column, .literal: return false
          default: return true
          }
        }!
        throw QueryError(
          .unsupported, at: culprit.position,
          "each side of '\(comparison.symbol)' must be a column or a value, not a condition")
      }
    }

    /// Converts a literal to the representation `column` is compared in.
    func convert(_ value: FilterValue, for column: FilterColumn, position: Int, role: String)
      throws(QueryError) -> FilterValue
    {
      func mismatch() -> QueryError {
        QueryError(
          .typeMismatch, at: position,
          "cannot compare column '\(column.name)' (\(column.typeName)) with \(describe(value)) in \(role)")
      }
      switch (column.kind, value) {
      case (.boolean, .boolean): return value
      case (.signedInteger, .integer), (.unsignedInteger, .integer), (.float, .integer),
        (.signedInteger, .float), (.unsignedInteger, .float), (.float, .float):
        return value
      case (.string, .string): return value
      case (.timestamp, .timestamp): return value
      case (.timestamp, .date(let days)): return .timestamp(Int64(days) * 86_400_000_000)
      case (.date, .date), (.date, .timestamp): return value
      case (.timestamp, .string(let text)), (.date, .string(let text)):
        if column.kind == .date, case .success(let days) = CivilTime.parseDate(Substring(text)),
          let narrow = Int32(exactly: days)
        {
          return .date(narrow)
        }
        switch CivilTime.parseTimestamp(text) {
        case .success(let micros): return .timestamp(micros)
        case .failure(let failure):
          throw QueryError(
            .typeMismatch, at: position,
            "column '\(column.name)' is \(column.typeName) but '\(text)' is not a timestamp: \(failure.reason)")
        }
      default:
        throw mismatch()
      }
    }

    func describe(_ value: FilterValue) -> String {
      switch value {
      case .null: "NULL"
      case .boolean: "boolean \(value)"
      case .integer, .float: "number \(value)"
      case .string: "string \(value)"
      case .timestamp, .date: value.description
      }
    }

    /// Orders two literals (for constant folding); -1, 0 or 1.
    func orderLiterals(_ left: FilterValue, _ right: FilterValue, position: Int, otherPosition: Int)
      throws(QueryError) -> Int
    {
      func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
      switch (left, right) {
      case (.boolean(let a), .boolean(let b)): return order(a ? 1 : 0, b ? 1 : 0)
      case (.integer(let a), .integer(let b)): return order(a, b)
      case (.integer(let a), .float(let b)): return order(Double(a), b)
      case (.float(let a), .integer(let b)): return order(a, Double(b))
      case (.float(let a), .float(let b)): return order(a, b)
      case (.string(let a), .string(let b)): return FilterChecker.orderUTF8(a, b)
      case (.timestamp(let a), .timestamp(let b)): return order(a, b)
      case (.date(let a), .date(let b)): return order(a, b)
      case (.date(let a), .timestamp(let b)): return order(Int64(a) * 86_400_000_000, b)
      case (.timestamp(let a), .date(let b)): return order(a, Int64(b) * 86_400_000_000)
      default:
        throw QueryError(
          .typeMismatch, at: position, "cannot compare \(describe(left)) with \(describe(right))")
      }
    }
  }
}
