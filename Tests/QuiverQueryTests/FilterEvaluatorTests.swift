import QuiverFormat
import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

/// A batch with every filterable type and nulls sprinkled in, from a seed.
func makeFilterTestBatch(rows: Int, seed: UInt64) throws -> RecordBatch {
  var generator = SeededGenerator(seed: seed)
  func maybe<T>(_ value: T, nullEvery: Int) -> T? {
    Int.random(in: 0..<nullEvery, using: &generator) == 0 ? nil : value
  }
  let categories = ["alpha", "beta", "gamma", "delta", "épsilon", ""]
  var small: [Int8?] = []
  var price: [Double?] = []
  var score: [Float] = []
  var category: [String?] = []
  var flag: [Bool?] = []
  var created: [Int64?] = []
  var day: [Int32?] = []
  var count: [UInt32] = []
  for row in 0..<rows {
    small.append(maybe(Int8.random(in: -128...127, using: &generator), nullEvery: 7))
    price.append(maybe(Double(Int.random(in: 0...2000, using: &generator)) / 10, nullEvery: 5))
    score.append(row % 37 == 0 ? .nan : Float.random(in: -1...1, using: &generator))
    category.append(maybe(categories.randomElement(using: &generator)!, nullEvery: 6))
    flag.append(maybe(Bool.random(using: &generator), nullEvery: 4))
    created.append(
      maybe(1_704_067_200_000_000 + Int64.random(in: 0..<(86_400_000_000 * 60), using: &generator),
        nullEvery: 9))
    day.append(maybe(Int32(19_700 + Int.random(in: 0..<60, using: &generator)), nullEvery: 8))
    count.append(UInt32.random(in: 0...UInt32.max, using: &generator))
  }
  return try RecordBatch([
    ("id", Column((0..<rows).map { Int64($0) })),
    ("small", Column(small)),
    ("count", Column(count)),
    ("price", Column(price)),
    ("score", Column(score)),
    ("category", Column(category)),
    ("flag", Column(flag)),
    ("created", Column(timestampMicroseconds: created)),
    ("day", Column(daysSinceEpoch: day)),
    ("vector", try Column(vectors: (0..<rows).map { [Float($0), 1] }, dimension: 2)),
  ])
}

/// An independent row-at-a-time interpreter of the syntax tree (three-valued, nil = unknown),
/// written without the production code's representation tricks.
struct ReferenceFilter {
  let batch: RecordBatch

  func value(_ expression: FilterExpression, row: Int) -> ColumnValue {
    switch expression {
    case .column(let name, _): return batch[name]![row]
    case .literal(let literal, _):
      switch literal {
      case .null: return .null
      case .boolean(let value): return .bool(value)
      case .integer(let value): return .int(value)
      case .float(let value): return .float(value)
      case .string(let value): return .string(value)
      case .timestamp(let value): return .timestamp(value)
      case .date(let value): return .date(value)
      }
    default: fatalError("not a value: \(expression)")
    }
  }

  /// -1/0/1, or nil for null or NaN.
  func order(_ a: ColumnValue, _ b: ColumnValue) -> Int? {
    func asDouble(_ value: ColumnValue) -> Double? {
      switch value {
      case .int(let v): Double(v)
      case .uint(let v): Double(v)
      case .float(let v): v
      default: nil
      }
    }
    func asMicros(_ value: ColumnValue) -> Int64? {
      switch value {
      case .timestamp(let v): v
      case .date(let d): Int64(d) * 86_400_000_000
      default: nil
      }
    }
    if let x = asDouble(a), let y = asDouble(b) {
      if x.isNaN || y.isNaN { return nil }
      return x < y ? -1 : (x == y ? 0 : 1)
    }
    if let x = asMicros(a), let y = asMicros(b) { return x < y ? -1 : (x == y ? 0 : 1) }
    if case .string(let x) = a, case .string(let y) = b {
      let xs = Array(x.unicodeScalars.map(\.value))
      let ys = Array(y.unicodeScalars.map(\.value))
      return xs == ys ? 0 : (xs.lexicographicallyPrecedes(ys) ? -1 : 1)
    }
    if case .bool(let x) = a, case .bool(let y) = b { return x == y ? 0 : (x ? 1 : -1) }
    return nil
  }

  func truth(_ expression: FilterExpression, row: Int) -> Bool? {
    switch expression {
    case .and(let l, let r):
      let a = truth(l, row: row)
      let b = truth(r, row: row)
      if a == false || b == false { return false }
      if a == nil || b == nil { return nil }
      return true
    case .or(let l, let r):
      let a = truth(l, row: row)
      let b = truth(r, row: row)
      if a == true || b == true { return true }
      if a == nil || b == nil { return nil }
      return false
    case .not(let e, _): return truth(e, row: row).map { !$0 }
    case .column, .literal:
      switch value(expression, row: row) {
      case .bool(let v): return v
      default: return nil
      }
    case .comparison(let op, let l, let r, _):
      let a = value(l, row: row)
      let b = value(r, row: row)
      if a.isNull || b.isNull { return nil }
      guard let o = order(a, b) else { return op == .notEqual }  // NaN
      switch op {
      case .equal: return o == 0
      case .notEqual: return o != 0
      case .less: return o < 0
      case .lessOrEqual: return o <= 0
      case .greater: return o > 0
      case .greaterOrEqual: return o >= 0
      }
    case .between(let e, let lo, let hi, let negated, let p):
      let result = truth(
        .and(.comparison(.greaterOrEqual, e, lo, position: p), .comparison(.lessOrEqual, e, hi, position: p)),
        row: row)
      return negated ? result.map { !$0 } : result
    case .inList(let e, let values, let negated, _):
      let a = value(e, row: row)
      if a.isNull { return nil }
      let found = values.contains { order(a, value($0, row: row)) == 0 }
      return found != negated
    case .isNull(let e, let negated, _):
      return value(e, row: row).isNull != negated
    case .like(let e, let pattern, let negated, _):
      guard case .string(let text) = value(e, row: row) else { return nil }
      return likeMatch(Array(pattern.unicodeScalars), Array(text.unicodeScalars)) != negated
    }
  }

  func likeMatch(_ p: [Unicode.Scalar], _ t: [Unicode.Scalar]) -> Bool {
    if p.isEmpty { return t.isEmpty }
    if p[0] == "%" { return (0...t.count).contains { likeMatch(Array(p.dropFirst()), Array(t[$0...])) } }
    if p[0] == "\\" && p.count > 1 {
      return !t.isEmpty && t[0] == p[1] && likeMatch(Array(p.dropFirst(2)), Array(t.dropFirst()))
    }
    if t.isEmpty { return false }
    if p[0] == "_" || p[0] == t[0] { return likeMatch(Array(p.dropFirst()), Array(t.dropFirst())) }
    return false
  }
}

let evaluatorFilters = [
  "id < 10", "id >= 290", "id = 17", "id != 17", "id BETWEEN 20 AND 30", "id NOT BETWEEN 5 AND 295",
  "small > 0", "small <= -100", "small > 1000", "small < -1000", "small = 2.0", "small > 2.5",
  "small IS NULL", "small IS NOT NULL", "small IN (1, 2, 3, 300, -5, 7.0, 7.5)",
  "small NOT IN (1, 2, 3)", "count > 2147483648", "count < -1", "count >= 0",
  "count IN (-1, 5)", "price > 100", "price <= 20.5", "price = 50", "price != 50",
  "price IN (10, 20.5, 30)", "score > 0", "score < 0", "score != 0.5", "score = score",
  "score > price", "category = 'beta'", "category > 'beta'", "category < 'c'",
  "category IN ('alpha', 'épsilon', 'zeta')", "category NOT IN ('alpha', '')",
  "category LIKE '%ta'", "category LIKE '_e%'", "category NOT LIKE '%a%'", "category = ''",
  "category LIKE 'é%'", "flag", "NOT flag", "flag = FALSE", "flag IS NULL",
  "created >= TIMESTAMP '2024-01-15 00:00:00'", "created < DATE '2024-01-10'",
  "created BETWEEN DATE '2024-01-05' AND DATE '2024-01-20'",
  "day = DATE '2023-12-10'", "day > DATE '2024-01-01'", "day <= TIMESTAMP '2023-12-12 12:00:00'",
  "day IN (DATE '2023-12-10', DATE '2023-12-11')", "vector IS NOT NULL",
  "price > 100 AND category = 'alpha'", "price > 150 OR flag", "NOT (price > 100 OR small < 0)",
  "(category IS NULL OR price IS NULL) AND NOT flag", "NOT (small IN (1, 2) AND price > 10)",
  "TRUE", "FALSE", "NULL", "NOT NULL OR id < 3", "1 = 1 AND id < 5",
  "flag AND (price < 50 OR price > 150) AND category LIKE '%a' AND small IS NOT NULL",
]

@Suite struct FilterEvaluatorTests {
  @Test(arguments: evaluatorFilters)
  func matchesTheReferenceInterpreter(text: String) throws {
    let batch = try makeFilterTestBatch(rows: 300, seed: 99)
    let filter = try Filter(text, schema: batch.schema)
    let truth = try FilterEvaluator.evaluate(filter.bound, on: batch)
    let reference = ReferenceFilter(batch: batch)
    for row in 0..<batch.rowCount {
      let expected: UInt8 = reference.truth(filter.expression, row: row).map { $0 ? 2 : 0 } ?? 1
      #expect(truth.values[row] == expected, "row \(row) of '\(text)'")
      if truth.values[row] != expected { break }
    }
    #expect(try FilterEvaluator.matchingRows(filter.bound, in: batch) == truth.trueRows)
  }

  @Test func slicedBatchesEvaluateLikeTheirRows() throws {
    let batch = try makeFilterTestBatch(rows: 200, seed: 5)
    let filter = try Filter("price > 100 AND category LIKE '%a%'", schema: batch.schema)
    let whole = try FilterEvaluator.evaluate(filter.bound, on: batch).values
    let part = try FilterEvaluator.evaluate(filter.bound, on: batch.slice(rows: 37..<151)).values
    #expect(part == Array(whole[37..<151]))
  }

  @Test func emptyBatchGivesNoRows() throws {
    let batch = try makeFilterTestBatch(rows: 0, seed: 1)
    let filter = try Filter("price > 1 OR TRUE", schema: batch.schema)
    #expect(try FilterEvaluator.evaluate(filter.bound, on: batch).count == 0)
  }

  @Test func missingOrRetypedColumnIsATypedError() throws {
    let batch = try makeFilterTestBatch(rows: 3, seed: 1)
    let filter = try Filter("price > 1", schema: batch.schema)
    let other = try RecordBatch(columns: ["id": [1, 2, 3]])
    #expect(throws: QueryError.self) { try FilterEvaluator.evaluate(filter.bound, on: other) }
    let retyped = try RecordBatch(columns: ["price": ["a", "b", "c"]])
    do {
      _ = try FilterEvaluator.evaluate(filter.bound, on: retyped)
      Issue.record("expected an error")
    } catch {
      #expect(error.code == .typeMismatch)
    }
  }

  @Test(arguments: evaluatorFilters)
  func pruningNeverSkipsARangeWithAMatch(text: String) throws {
    let batch = try makeFilterTestBatch(rows: 300, seed: 11)
    let filter = try Filter(text, schema: batch.schema)
    // Ranges of 10 rows; statistics computed from the data by the reference ordering.
    let reference = ReferenceFilter(batch: batch)
    for start in stride(from: 0, to: 300, by: 10) {
      let range = start..<(start + 10)
      let statistics: (String) -> RangeStatistics? = { name in
        guard let column = batch[name], !column.dataType.isVector else { return nil }
        var minimum: ColumnValue? = nil
        var maximum: ColumnValue? = nil
        var nulls = 0
        for row in range {
          let value = column[row]
          if value.isNull {
            nulls += 1
            continue
          }
          if case .float(let v) = value, v.isNaN { continue }
          if minimum == nil || reference.order(value, minimum!)! < 0 { minimum = value }
          if maximum == nil || reference.order(value, maximum!)! > 0 { maximum = value }
        }
        return RangeStatistics(minimum: minimum, maximum: maximum, nullCount: nulls, rowCount: 10)
      }
      let truth = try FilterEvaluator.evaluate(filter.bound, on: batch.slice(rows: range))
      if !FilterPruning.mayMatch(filter.bound, statistics: statistics) {
        #expect(truth.trueCount == 0, "'\(text)' skipped rows \(range) that match")
      }
    }
  }

  @Test func pruningSkipsWhatCannotMatch() throws {
    let columns = [FilterColumn(name: "x", kind: .signedInteger, typeName: "int64")]
    let stats = RangeStatistics(minimum: .int(10), maximum: .int(20), nullCount: 0, rowCount: 100)
    func may(_ text: String) throws -> Bool {
      FilterPruning.mayMatch(try Filter(text, columns: columns).bound) { _ in stats }
    }
    #expect(try !may("x > 20"))
    #expect(try may("x >= 20"))
    #expect(try !may("x < 10"))
    #expect(try !may("x = 5"))
    #expect(try may("x = 15"))
    #expect(try !may("x IN (1, 2, 30)"))
    #expect(try may("x IN (1, 12)"))
    #expect(try !may("x IS NULL"))
    #expect(try !may("NOT (x BETWEEN 10 AND 20)"))
    #expect(try !may("x > 25 OR x < 5"))
    #expect(try may("x > 25 OR x < 11"))
    // Each side alone may hold, and pruning keeps no range algebra across conditions: kept.
    #expect(try may("x > 15 AND x < 12"))
    #expect(try !may("x > 25 AND x < 12"))
  }
}
