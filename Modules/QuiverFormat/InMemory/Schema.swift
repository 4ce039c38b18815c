/// The ordered list of fields of a record batch or a data file.
public struct Schema: Hashable, Sendable {
  /// The fields, in column order; names are unique.
  public private(set) var fields: [Field]
  /// Free-form string metadata of the whole schema.
  public var metadata: [String: String]

  /// Creates a schema.
  /// - Throws: `FormatError.duplicateColumn` if two fields share a name,
  ///   `FormatError.invalidArgument` for an empty name or a vector dimension below 1.
  public init(_ fields: [Field], metadata: [String: String] = [:]) throws {
    var seen = Set<String>()
    for field in fields {
      guard !field.name.isEmpty else {
        throw FormatError(.invalidArgument, "a column name is empty")
      }
      guard seen.insert(field.name).inserted else {
        throw FormatError(.duplicateColumn, "column '\(field.name)' appears more than once")
      }
      if let dimension = field.type.vectorDimension, dimension < 1 {
        throw FormatError(
          .invalidArgument, "column '\(field.name)': vector dimension \(dimension) is below 1")
      }
    }
    self.fields = fields
    self.metadata = metadata
  }

  /// The number of fields.
  public var count: Int { fields.count }

  /// The names of the fields in order.
  public var names: [String] { fields.map(\.name) }

  /// The position of the field named `name`, or nil.
  /// - Complexity: O(number of fields).
  public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }

  /// The field named `name`, or nil.
  public func field(named name: String) -> Field? { index(of: name).map { fields[$0] } }

  /// The schema of only the named fields, in the order given.
  /// - Throws: `FormatError.columnNotFound` naming the first unknown column.
  public func selecting(_ names: [String]) throws -> Schema {
    try Schema(
      names.map { name in
        guard let field = field(named: name) else {
          throw FormatError(
            .columnNotFound, "column '\(name)' is not in the schema (\(self.names.joined(separator: ", ")))")
        }
        return field
      }, metadata: metadata)
  }
}

extension Schema: CustomStringConvertible {
  /// A short readable form, for messages and logs.
  public var description: String { fields.map(\.description).joined(separator: ", ") }
}
