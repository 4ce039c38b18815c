import QuiverFormat

/// Evaluates a checked filter on a record batch, one column at a time.
///
/// Each leaf (comparison, IN, LIKE, …) runs one tight loop over its column's typed buffer and
/// produces a `TruthValues`; AND / OR / NOT combine those arrays. Null values make a leaf unknown,
/// following SQL.
package enum FilterEvaluator {
  /// The truth of `filter` for every row of `batch`.
  ///
  /// - Throws: `QueryError.unknownColumn` if the batch lacks a column the filter reads, or
  ///   `.typeMismatch` if its type changed since the filter was checked.
  /// - Complexity: O(rows × leaves).
  package static func evaluate(_ filter: BoundFilter, on batch: RecordBatch) throws(QueryError)
    -> TruthValues
  {
    let rows = batch.rowCount
    switch filter {
    case .constant(let value):
      let byte = value.map { $0 ? TruthValues.trueValue : TruthValues.falseValue }
        ?? TruthValues.unknownValue
      return TruthValues(repeating: byte, count: rows)
    case .and(let left, let right):
      var result = try evaluate(left, on: batch)
      // Short cut: once every row is false, the right side cannot change anything.
      if result.values.allSatisfy({ $0 == TruthValues.falseValue }) { return result }
      result.formAnd(try evaluate(right, on: batch))
      return result
    case .or(let left, let right):
      var result = try evaluate(left, on: batch)
      if result.values.allSatisfy({ $0 == TruthValues.trueValue }) { return result }
      result.formOr(try evaluate(right, on: batch))
      return result
    case .not(let operand):
      var result = try evaluate(operand, on: batch)
      result.negate()
      return result
    case .compare(let column, let comparison, let literal):
      let data = try columnData(column, in: batch)
      return withNulls(data, compare(data, comparison, literal))
    case .compareColumns(let left, let comparison, let right):
      let leftData = try columnData(left, in: batch)
      let rightData = try columnData(right, in: batch)
      var values = [UInt8](repeating: TruthValues.unknownValue, count: rows)
      for row in 0..<rows {
        if let ordering = ColumnValueOrdering.order(leftData[row], rightData[row]) {
          values[row] = comparison.holds(ordering: ordering) ? 2 : 0
        } else if !leftData[row].isNull && !rightData[row].isNull {
          values[row] = comparison == .notEqual ? 2 : 0  // NaN against anything
        }
      }
      return TruthValues(values: values)
    case .inSet(let column, let literals, let negated):
      let data = try columnData(column, in: batch)
      var result = withNulls(data, membership(data, literals))
      if negated { result.negate() }
      return result
    case .isNull(let column, let negated):
      let data = try columnData(column, in: batch)
      var values = [UInt8](repeating: negated ? 2 : 0, count: rows)
      if data.hasNulls {
        for row in 0..<rows where data.isNull(row) { values[row] = negated ? 0 : 2 }
      }
      return TruthValues(values: values)
    case .like(let column, let pattern, let negated):
      let data = try columnData(column, in: batch)
      var values = [UInt8](repeating: 0, count: rows)
      for row in 0..<rows {
        let matched = data.withUnsafeBytes(ofRow: row) { raw in
          pattern.matches(utf8: raw.assumingMemoryBound(to: UInt8.self))
        }
        values[row] = matched != negated ? 2 : 0
      }
      return withNulls(data, values)
    case .booleanColumn(let column):
      let data = try columnData(column, in: batch)
      return withNulls(data, fill(data, UInt8.self) { $0 != 0 })
    }
  }

  /// The rows of `batch` for which `filter` is true, ascending.
  package static func matchingRows(_ filter: BoundFilter, in batch: RecordBatch) throws(QueryError)
    -> [Int]
  {
    try evaluate(filter, on: batch).trueRows
  }

  static func columnData(_ column: FilterColumn, in batch: RecordBatch) throws(QueryError)
    -> Column
  {
    guard let data = batch[column.name] else {
      throw QueryError(.unknownColumn, "column '\(column.name)' is not in the batch being filtered")
    }
    guard data.dataType.name == column.typeName else {
      throw QueryError(
        .typeMismatch,
        "column '\(column.name)' is \(data.dataType.name) in the data but \(column.typeName) in the filter's schema")
    }
    return data
  }

  /// Marks null rows unknown.
  static func withNulls(_ column: Column, _ values: [UInt8]) -> TruthValues {
    var values = values
    if column.hasNulls {
      for row in 0..<column.count where column.isNull(row) { values[row] = TruthValues.unknownValue }
    }
    return TruthValues(values: values)
  }

  /// One byte per row from a predicate over the column's typed values (true → 2, false → 0).
  @inline(__always)
  static func fill<T: BitwiseCopyable>(
    _ column: Column, _ type: T.Type, _ predicate: (T) -> Bool
  ) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: column.count) { output, initialized in
      column.withUnsafeValues(as: T.self) { values in
        for index in 0..<column.count { output[index] = predicate(values[index]) ? 2 : 0 }
      }
      initialized = column.count
    }
  }

  /// `value OP literal` for every value, with the operator switched outside the loop.
  @inline(__always)
  static func fillComparison<T: BitwiseCopyable, Value: Comparable>(
    _ column: Column, _ type: T.Type, _ comparison: FilterComparison, _ literal: Value,
    _ convert: (T) -> Value
  ) -> [UInt8] {
    switch comparison {
    case .equal: fill(column, T.self) { convert($0) == literal }
    case .notEqual: fill(column, T.self) { convert($0) != literal }
    case .less: fill(column, T.self) { convert($0) < literal }
    case .lessOrEqual: fill(column, T.self) { convert($0) <= literal }
    case .greater: fill(column, T.self) { convert($0) > literal }
    case .greaterOrEqual: fill(column, T.self) { convert($0) >= literal }
    }
  }

  /// Integer column against an integer literal, exact for every width and sign: a literal
  /// outside the type's range decides the answer without looking at the values.
  static func compareInteger<T: FixedWidthInteger & BitwiseCopyable>(
    _ column: Column, _ type: T.Type, _ comparison: FilterComparison, _ literal: Int64
  ) -> [UInt8] {
    if let exact = T(exactly: literal) {
      return fillComparison(column, T.self, comparison, exact) { $0 }
    }
    // Every value is greater (literal below T.min) or less (literal above T.max).
    let ordering = literal < 0 ? 1 : -1
    let byte: UInt8 = comparison.holds(ordering: ordering) ? 2 : 0
    return [UInt8](repeating: byte, count: column.count)
  }

  static func compareNumeric<T: BitwiseCopyable>(
    _ column: Column, _ type: T.Type, _ comparison: FilterComparison, _ literal: FilterValue,
    asDouble: (T) -> Double
  ) -> [UInt8]? {
    guard case .float(let value) = literal else { return nil }
    return fillComparison(column, T.self, comparison, value, asDouble)
  }

  static func compare(_ column: Column, _ comparison: FilterComparison, _ literal: FilterValue)
    -> [UInt8]
  {
    switch (column.dataType, literal) {
    case (.int8, .integer(let value)): return compareInteger(column, Int8.self, comparison, value)
    case (.int16, .integer(let value)): return compareInteger(column, Int16.self, comparison, value)
    case (.int32, .integer(let value)): return compareInteger(column, Int32.self, comparison, value)
    case (.int64, .integer(let value)): return compareInteger(column, Int64.self, comparison, value)
    case (.uint8, .integer(let value)): return compareInteger(column, UInt8.self, comparison, value)
    case (.uint16, .integer(let value)):
      return compareInteger(column, UInt16.self, comparison, value)
    case (.uint32, .integer(let value)):
      return compareInteger(column, UInt32.self, comparison, value)
    case (.uint64, .integer(let value)):
      return compareInteger(column, UInt64.self, comparison, value)
    case (.int8, .float(let value)):
      return fillComparison(column, Int8.self, comparison, value) { Double($0) }
    case (.int16, .float(let value)):
      return fillComparison(column, Int16.self, comparison, value) { Double($0) }
    case (.int32, .float(let value)):
      return fillComparison(column, Int32.self, comparison, value) { Double($0) }
    case (.int64, .float(let value)):
      return fillComparison(column, Int64.self, comparison, value) { Double($0) }
    case (.uint8, .float(let value)):
      return fillComparison(column, UInt8.self, comparison, value) { Double($0) }
    case (.uint16, .float(let value)):
      return fillComparison(column, UInt16.self, comparison, value) { Double($0) }
    case (.uint32, .float(let value)):
      return fillComparison(column, UInt32.self, comparison, value) { Double($0) }
    case (.uint64, .float(let value)):
      return fillComparison(column, UInt64.self, comparison, value) { Double($0) }
    case (.float16, _), (.float32, _), (.float64, _):
      let value: Double
      switch literal {
      case .integer(let integer): value = Double(integer)
      case .float(let float): value = float
      default: preconditionFailure("checked filter compares a float column with \(literal)")
      }
      switch column.dataType {
      case .float16:
        return fillComparison(column, UInt16.self, comparison, value) {
          Double(HalfPrecision.float(fromBits: $0))
        }
      case .float32:
        return fillComparison(column, Float.self, comparison, value) { Double($0) }
      default:
        return fillComparison(column, Double.self, comparison, value) { $0 }
      }
    case (.bool, .boolean(let value)):
      return fillComparison(column, UInt8.self, comparison, value ? 1 : 0) { $0 != 0 ? 1 : 0 }
    case (.timestamp, .timestamp(let value)):
      return fillComparison(column, Int64.self, comparison, value) { $0 }
    case (.date, .date(let value)):
      return fillComparison(column, Int32.self, comparison, value) { $0 }
    case (.date, .timestamp(let value)):
      return fillComparison(column, Int32.self, comparison, value) { Int64($0) * 86_400_000_000 }
    case (.utf8, .string(let value)):
      let literalBytes = Array(value.utf8)
      return [UInt8](unsafeUninitializedCapacity: column.count) { output, initialized in
        for row in 0..<column.count {
          let ordering = column.withUnsafeBytes(ofRow: row) { raw in
            ColumnValueOrdering.orderBytes(raw, literalBytes)
          }
          output[row] = comparison.holds(ordering: ordering) ? 2 : 0
        }
        initialized = column.count
      }
    default:
      preconditionFailure("checked filter compares \(column.dataType) with \(literal)")
    }
  }

  static func membership(_ column: Column, _ literals: [FilterValue]) -> [UInt8] {
    switch column.dataType {
    case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
      // Integer columns match integer literals and integral floats; others never match.
      var signed = Set<Int64>()
      var unsigned = Set<UInt64>()
      for literal in literals {
        switch literal {
        case .integer(let value):
          signed.insert(value)
          if value >= 0 { unsigned.insert(UInt64(value)) }
        case .float(let value):
          if let exact = Int64(exactly: value) {
            signed.insert(exact)
            if exact >= 0 { unsigned.insert(UInt64(exact)) }
          } else if let exact = UInt64(exactly: value) {
            unsigned.insert(exact)
          }
        default: break
        }
      }
      switch column.dataType {
      case .int8: return fill(column, Int8.self) { signed.contains(Int64($0)) }
      case .int16: return fill(column, Int16.self) { signed.contains(Int64($0)) }
      case .int32: return fill(column, Int32.self) { signed.contains(Int64($0)) }
      case .int64: return fill(column, Int64.self) { signed.contains($0) }
      case .uint8: return fill(column, UInt8.self) { unsigned.contains(UInt64($0)) }
      case .uint16: return fill(column, UInt16.self) { unsigned.contains(UInt64($0)) }
      case .uint32: return fill(column, UInt32.self) { unsigned.contains(UInt64($0)) }
      default: return fill(column, UInt64.self) { unsigned.contains($0) }
      }
    case .float16, .float32, .float64:
      let set = Set(
        literals.compactMap { literal -> Double? in
          switch literal {
          case .integer(let value): Double(value)
          case .float(let value): value
          default: nil
          }
        })
      switch column.dataType {
      case .float16:
        return fill(column, UInt16.self) { set.contains(Double(HalfPrecision.float(fromBits: $0))) }
      case .float32: return fill(column, Float.self) { set.contains(Double($0)) }
      default: return fill(column, Double.self) { set.contains($0) }
      }
    case .bool:
      let set = Set(literals.compactMap { if case .boolean(let value) = $0 { value } else { nil } })
      return fill(column, UInt8.self) { set.contains($0 != 0) }
    case .timestamp, .date:
      let set = Set(
        literals.compactMap { literal -> Int64? in
          switch literal {
          case .timestamp(let value): value
          case .date(let value): Int64(value) * 86_400_000_000
          default: nil
          }
        })
      if column.dataType == .date {
        return fill(column, Int32.self) { set.contains(Int64($0) * 86_400_000_000) }
      }
      return fill(column, Int64.self) { set.contains($0) }
    case .utf8:
      let set = Set(literals.compactMap { if case .string(let value) = $0 { Array(value.utf8) } else { nil } })
      let lengths = Set(set.map(\.count))
      return [UInt8](unsafeUninitializedCapacity: column.count) { output, initialized in
        for row in 0..<column.count {
          let found = column.withUnsafeBytes(ofRow: row) { raw in
            lengths.contains(raw.count) && set.contains(Array(raw))
          }
          output[row] = found ? 2 : 0
        }
        initialized = column.count
      }
    default:
      preconditionFailure("checked filter tests membership on \(column.dataType)")
    }
  }
}
