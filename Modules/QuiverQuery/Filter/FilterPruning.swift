import QuiverFormat

/// What is known about a column over a range of rows (a page or a fragment) without reading it.
package struct RangeStatistics: Sendable, Hashable {
  /// The smallest non-null value, or nil when unknown (or every row is null).
  package var minimum: ColumnValue?
  /// The largest non-null value, or nil when unknown.
  package var maximum: ColumnValue?
  /// The number of null rows.
  package var nullCount: Int
  /// The number of rows.
  package var rowCount: Int

  package init(minimum: ColumnValue?, maximum: ColumnValue?, nullCount: Int, rowCount: Int) {
    self.minimum = minimum
    self.maximum = maximum
    self.nullCount = nullCount
    self.rowCount = rowCount
  }
}

/// Decides from statistics whether a range of rows can hold a row that passes a filter, so that
/// scans skip pages (or fragments) that cannot match.
///
/// Each node yields the set of truth values its rows may take (false, unknown, true); AND, OR
/// and NOT combine the sets exactly as they combine values. A range is skipped only when `true`
/// is impossible — never on a guess.
package enum FilterPruning {
  /// A set of possible truth values: bit 0 false, bit 1 unknown, bit 2 true.
  struct Outcomes: OptionSet, Hashable {
    let rawValue: UInt8
    static let isFalse = Outcomes(rawValue: 1)
    static let isUnknown = Outcomes(rawValue: 2)
    static let isTrue = Outcomes(rawValue: 4)
    static let any: Outcomes = [.isFalse, .isUnknown, .isTrue]

    var truthValues: [UInt8] {
      [(Outcomes.isFalse, UInt8(0)), (.isUnknown, 1), (.isTrue, 2)].filter { contains($0.0) }
        .map(\.1)
    }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(truthValues: some Sequence<UInt8>) {
      var raw: UInt8 = 0
      for value in truthValues { raw |= 1 << value }
      self.init(rawValue: raw)
    }

    func combined(with other: Outcomes, _ operation: (UInt8, UInt8) -> UInt8) -> Outcomes {
      Outcomes(truthValues: truthValues.flatMap { a in other.truthValues.map { b in operation(a, b) } })
    }
  }

  /// Whether some row described by `statistics` may pass `filter`. Columns without statistics
  /// are assumed to hold anything.
  package static func mayMatch(
    _ filter: BoundFilter, statistics: (String) -> RangeStatistics?
  ) -> Bool {
    outcomes(filter, statistics).contains(.isTrue)
  }

  static func outcomes(_ filter: BoundFilter, _ statistics: (String) -> RangeStatistics?)
    -> Outcomes
  {
    func nullPart(_ stats: RangeStatistics) -> Outcomes {
      stats.nullCount > 0 ? .isUnknown : []
    }
    switch filter {
    case .constant(let value):
      return value.map { $0 ? .isTrue : .isFalse } ?? .isUnknown
    case .and(let left, let right):
      return outcomes(left, statistics).combined(with: outcomes(right, statistics), min)
    case .or(let left, let right):
      return outcomes(left, statistics).combined(with: outcomes(right, statistics), max)
    case .not(let operand):
      return Outcomes(truthValues: outcomes(operand, statistics).truthValues.map { 2 - $0 })
    case .isNull(let column, let negated):
      guard let stats = statistics(column.name) else { return [.isFalse, .isTrue] }
      var result: Outcomes = []
      if stats.nullCount > 0 { result.insert(negated ? .isFalse : .isTrue) }
      if stats.nullCount < stats.rowCount { result.insert(negated ? .isTrue : .isFalse) }
      return result
    case .compare(let column, let comparison, let literal):
      guard let stats = statistics(column.name) else { return .any }
      if stats.rowCount > 0 && stats.nullCount == stats.rowCount { return .isUnknown }
      guard let minimum = stats.minimum, let maximum = stats.maximum,
        let low = ColumnValueOrdering.order(minimum, literal),
        let high = ColumnValueOrdering.order(maximum, literal)
      else { return .any }
      // Floats may hold NaN, which statistics do not bound and which compares false.
      let mayBeNaN = column.kind == .float
      var result = nullPart(stats)
      let canBeTrue: Bool
      let canBeFalse: Bool
      switch comparison {
      case .equal:
        canBeTrue = low <= 0 && high >= 0
        canBeFalse = !(low == 0 && high == 0)
      case .notEqual:
        canBeTrue = !(low == 0 && high == 0)
        canBeFalse = low <= 0 && high >= 0
      case .less:
        canBeTrue = low < 0
        canBeFalse = high >= 0
      case .lessOrEqual:
        canBeTrue = low <= 0
        canBeFalse = high > 0
      case .greater:
        canBeTrue = high > 0
        canBeFalse = low <= 0
      case .greaterOrEqual:
        canBeTrue = high >= 0
        canBeFalse = low < 0
      }
      if canBeTrue || (mayBeNaN && comparison == .notEqual) { result.insert(.isTrue) }
      if canBeFalse || mayBeNaN { result.insert(.isFalse) }
      return result
    case .inSet(let column, let literals, let negated):
      guard let stats = statistics(column.name) else { return .any }
      if stats.rowCount > 0 && stats.nullCount == stats.rowCount { return .isUnknown }
      guard let minimum = stats.minimum, let maximum = stats.maximum else { return .any }
      let anyInside = literals.contains { literal in
        guard let low = ColumnValueOrdering.order(minimum, literal),
          let high = ColumnValueOrdering.order(maximum, literal)
        else { return true }
        return low <= 0 && high >= 0
      }
      var result = nullPart(stats)
      result.insert(negated ? .isTrue : .isFalse)
      if anyInside { result.insert(negated ? .isFalse : .isTrue) }
      return result
    case .booleanColumn(let column):
      guard let stats = statistics(column.name) else { return .any }
      if stats.rowCount > 0 && stats.nullCount == stats.rowCount { return .isUnknown }
      var result = nullPart(stats)
      if stats.minimum == .bool(true) { result.insert(.isTrue) } else if stats.maximum == .bool(false) {
        result.insert(.isFalse)
      } else {
        result.formUnion([.isTrue, .isFalse])
      }
      return result
    case .like(let column, _, _), .compareColumns(let column, _, _):
      guard let stats = statistics(column.name) else { return .any }
      if stats.rowCount > 0 && stats.nullCount == stats.rowCount { return .isUnknown }
      return .any
    }
  }
}
