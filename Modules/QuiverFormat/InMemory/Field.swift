/// A named, typed column slot of a `Schema`.
public struct Field: Hashable, Sendable {
  /// The column name, unique within its schema.
  public var name: String
  /// The type of the column's values.
  public var type: DataType
  /// Whether the column may hold nulls.
  public var nullable: Bool
  /// Free-form string metadata (kept in the data file's footer).
  public var metadata: [String: String]

  /// Creates a field.
  /// - Parameters:
  ///   - name: The column name.
  ///   - type: The value type.
  ///   - nullable: Whether nulls are allowed (default `true`, as in Arrow and LanceDB).
  ///   - metadata: Free-form string metadata.
  public init(
    _ name: String, _ type: DataType, nullable: Bool = true, metadata: [String: String] = [:]
  ) {
    self.name = name
    self.type = type
    self.nullable = nullable
    self.metadata = metadata
  }
}

extension Field: CustomStringConvertible {
  /// A short readable form, for messages and logs.
  public var description: String {
    "\(name): \(type)\(nullable ? "" : " not null")"
  }
}
