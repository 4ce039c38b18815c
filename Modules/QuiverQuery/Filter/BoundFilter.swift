/// A filter checked against a schema: every column resolved, every literal converted to the
/// representation its column is compared in, constant parts folded. This is what evaluation
/// runs.
package indirect enum BoundFilter: Sendable, Hashable {
  /// A constant truth value; nil is SQL's unknown (NULL).
  case constant(Bool?)
  /// `column OP literal`; the literal is already in the column's representation (see
  /// `FilterChecker`).
  case compare(FilterColumn, FilterComparison, FilterValue)
  /// `left OP right` between two columns of compatible types.
  case compareColumns(FilterColumn, FilterComparison, FilterColumn)
  /// `column [NOT] IN (literals…)`.
  case inSet(FilterColumn, [FilterValue], negated: Bool)
  /// `column IS [NOT] NULL`.
  case isNull(FilterColumn, negated: Bool)
  /// `column [NOT] LIKE pattern`.
  case like(FilterColumn, LikePattern, negated: Bool)
  /// A boolean column used as a condition.
  case booleanColumn(FilterColumn)
  /// Both hold (three-valued).
  case and(BoundFilter, BoundFilter)
  /// Either holds (three-valued).
  case or(BoundFilter, BoundFilter)
  /// Negation (three-valued: NOT NULL is NULL).
  case not(BoundFilter)

  /// The columns evaluation must read, in order of first appearance.
  package var columns: [FilterColumn] {
    var result: [FilterColumn] = []
    func add(_ column: FilterColumn) { if !result.contains(column) { result.append(column) } }
    func visit(_ filter: BoundFilter) {
      switch filter {
      case .constant: break
      case .compare(let column, _, _), .inSet(let column, _, _), .isNull(let column, _),
        .like(let column, _, _), .booleanColumn(let column):
        add(column)
      case .compareColumns(let left, _, let right):
        add(left)
        add(right)
      case .and(let left, let right), .or(let left, let right):
        visit(left)
        visit(right)
      case .not(let operand): visit(operand)
      }
    }
    visit(self)
    return result
  }
}
