/// A filter in the SQL `WHERE` dialect, parsed and checked against a table's columns.
///
/// ```swift
/// let filter = try Filter("price > 10 AND category IN ('a', 'b')", columns: table.filterColumns)
/// ```
/// See `FilterParser` for the grammar and `FilterChecker` for the typing rules. Comparisons
/// follow SQL's three-valued logic: a comparison with a null value is unknown, and a row passes
/// only when the whole filter is true.
public struct Filter: Sendable, Hashable, CustomStringConvertible {
  /// The text as given.
  public let text: String
  /// The syntax tree.
  public let expression: FilterExpression
  /// The checked form that evaluation runs.
  package let bound: BoundFilter

  /// Parses and type-checks `text` against `columns`.
  ///
  /// - Throws: `QueryError` with `.syntaxError`, `.unknownColumn`, `.typeMismatch` or
  ///   `.unsupported`, located in the text ("at column 17: …").
  public init(_ text: String, columns: [FilterColumn]) throws(QueryError) {
    self.text = text
    expression = try FilterParser.parse(text)
    bound = try FilterChecker.check(expression, columns: columns)
  }

  /// The names of the columns the filter reads.
  public var columnNames: [String] { bound.columns.map(\.name) }

  /// The filter in canonical form.
  public var description: String { expression.description }
}
