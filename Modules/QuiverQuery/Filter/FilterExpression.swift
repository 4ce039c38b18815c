/// The syntax tree of a parsed filter, before it is checked against a schema.
///
/// Every node remembers the 1-based character position where it starts in the filter text so
/// that type errors can point at it.
public indirect enum FilterExpression: Sendable, Hashable, CustomStringConvertible {
  /// A column, by name.
  case column(String, position: Int)
  /// A literal value.
  case literal(FilterValue, position: Int)
  /// `left OP right`.
  case comparison(FilterComparison, FilterExpression, FilterExpression, position: Int)
  /// `left AND right`.
  case and(FilterExpression, FilterExpression)
  /// `left OR right`.
  case or(FilterExpression, FilterExpression)
  /// `NOT operand`.
  case not(FilterExpression, position: Int)
  /// `operand [NOT] IN (values…)`.
  case inList(FilterExpression, [FilterExpression], negated: Bool, position: Int)
  /// `operand [NOT] BETWEEN lower AND upper` (inclusive).
  case between(
    FilterExpression, lower: FilterExpression, upper: FilterExpression, negated: Bool,
    position: Int)
  /// `operand IS [NOT] NULL`.
  case isNull(FilterExpression, negated: Bool, position: Int)
  /// `operand [NOT] LIKE 'pattern'` with `%` (any run) and `_` (one character).
  case like(FilterExpression, pattern: String, negated: Bool, position: Int)

  /// Where the node starts in the filter text (1-based).
  public var position: Int {
    switch self {
    case .column(_, let position), .literal(_, let position), .not(_, let position):
      return position
    case .comparison(_, let left, _, _), .inList(let left, _, _, _),
      .between(let left, _, _, _, _), .isNull(let left, _, _), .like(let left, _, _, _):
      return left.position
    case .and(let left, _), .or(let left, _):
      return left.position
    }
  }

  /// The names of the columns the expression reads, in order of first appearance.
  public var columnNames: [String] {
    var names: [String] = []
    func visit(_ expression: FilterExpression) {
      switch expression {
      case .column(let name, _): if !names.contains(name) { names.append(name) }
      case .literal: break
      case .comparison(_, let left, let right, _), .and(let left, let right),
        .or(let left, let right):
        visit(left)
        visit(right)
      case .not(let operand, _), .isNull(let operand, _, _), .like(let operand, _, _, _):
        visit(operand)
      case .inList(let operand, let values, _, _):
        visit(operand)
        values.forEach(visit)
      case .between(let operand, let lower, let upper, _, _):
        visit(operand)
        visit(lower)
        visit(upper)
      }
    }
    visit(self)
    return names
  }

  /// The expression in canonical SQL form, fully parenthesised where operators nest.
  public var description: String {
    switch self {
    case .column(let name, _):
      let plain = name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic
        || ("0"..."9").contains($0) } && !FilterParser.keywords.contains(name.uppercased())
        && !(name.first?.isNumber ?? true)
      return plain ? name : "`\(name.replacing("`", with: "``"))`"
    case .literal(let value, _): return value.description
    case .comparison(let op, let left, let right, _): return "\(left) \(op.symbol) \(right)"
    case .and(let left, let right): return "(\(left) AND \(right))"
    case .or(let left, let right): return "(\(left) OR \(right))"
    case .not(let operand, _): return "(NOT \(operand))"
    case .inList(let operand, let values, let negated, _):
      return "\(operand) \(negated ? "NOT IN" : "IN") (\(values.map(\.description).joined(separator: ", ")))"
    case .between(let operand, let lower, let upper, let negated, _):
      return "\(operand) \(negated ? "NOT BETWEEN" : "BETWEEN") \(lower) AND \(upper)"
    case .isNull(let operand, let negated, _):
      return "\(operand) IS \(negated ? "NOT NULL" : "NULL")"
    case .like(let operand, let pattern, let negated, _):
      return "\(operand) \(negated ? "NOT LIKE" : "LIKE") \(FilterValue.string(pattern))"
    }
  }
}
