import QuiverFormat
import QuiverQuery
import Testing

/// Truth codes of `TruthValues`.
private let no: UInt8 = 0
private let unknown: UInt8 = 1
private let yes: UInt8 = 2

/// AND, OR and NOT with unknown (NULL) operands on both sides: the Kleene truth table by hand,
/// and filters over nullable columns checked row by row against the reference interpreter on
/// rows where both operands are unknown.
@Suite struct FilterNullLogicTests {

  /// Columns `a` and `b` over every pair of true, false and null.
  static func pairs() throws -> RecordBatch {
    let values: [Bool?] = [true, false, nil]
    let rows = values.flatMap { a in values.map { b in (a, b) } }
    return try RecordBatch([("a", Column(rows.map(\.0))), ("b", Column(rows.map(\.1)))])
  }

  /// Expected codes for the nine rows (a, b) = TT, TF, TN, FT, FF, FN, NT, NF, NN.
  @Test(
    arguments: [
      ("a AND b", [yes, no, unknown, no, no, no, unknown, no, unknown]),
      ("a OR b", [yes, yes, yes, yes, no, unknown, yes, unknown, unknown]),
      ("NOT (a AND b)", [no, yes, unknown, yes, yes, yes, unknown, yes, unknown]),
      ("NOT (a OR b)", [no, no, no, no, yes, unknown, no, unknown, unknown]),
      ("NOT a AND NOT b", [no, no, no, no, yes, unknown, no, unknown, unknown]),
      ("NOT a OR NOT b", [no, yes, unknown, yes, yes, yes, unknown, yes, unknown]),
      ("a AND NULL", [unknown, unknown, unknown, no, no, no, unknown, unknown, unknown]),
      ("NULL OR b", [yes, unknown, unknown, yes, unknown, unknown, yes, unknown, unknown]),
      ("NOT (NULL AND b)", [unknown, yes, unknown, unknown, yes, unknown, unknown, yes, unknown]),
    ])
  func kleeneTruthTable(text: String, expected: [UInt8]) throws {
    let batch = try Self.pairs()
    let filter = try Filter(text, schema: batch.schema)
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    #expect(truth.values == expected, "'\(text)'")
    let selected = expected.indices.filter { expected[$0] == yes }
    #expect(try FilterEvaluator.matchingRows(filter.bound, in: batch) == selected, "'\(text)'")
  }

  /// The two operands of the top AND / OR (under any NOTs).
  static func operands(_ expression: FilterExpression) -> (FilterExpression, FilterExpression)? {
    switch expression {
    case .and(let left, let right), .or(let left, let right): (left, right)
    case .not(let inner, _): operands(inner)
    default: nil
    }
  }

  @Test(
    arguments: [
      "flag AND price > 100", "flag OR price > 100", "NOT (flag AND price > 100)",
      "NOT (flag OR price > 100)", "price > 100 AND small > 0", "price > 100 OR small > 0",
      "NOT (price > 100 OR small > 0)", "NOT flag AND NOT (category = 'beta')",
      "(flag OR price > 100) AND (small > 0 OR category = 'beta')",
      "(flag AND price > 100) OR NOT (small > 0 AND category = 'beta')",
    ])
  func nullOnBothSidesMatchesTheReference(text: String) throws {
    let batch = try makeFilterTestBatch(rows: 300, seed: 99)
    let filter = try Filter(text, schema: batch.schema)
    let reference = ReferenceFilter(batch: batch)
    let (left, right) = try #require(Self.operands(filter.expression))
    let bothUnknown = (0..<batch.rowCount).filter {
      reference.truth(left, row: $0) == nil && reference.truth(right, row: $0) == nil
    }
    #expect(!bothUnknown.isEmpty, "'\(text)' has no row with both operands unknown")
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    for row in 0..<batch.rowCount {
      let expected: UInt8 = reference.truth(filter.expression, row: row).map { $0 ? 2 : 0 } ?? 1
      #expect(truth.values[row] == expected, "row \(row) of '\(text)'")
      if truth.values[row] != expected { break }
    }
  }
}
