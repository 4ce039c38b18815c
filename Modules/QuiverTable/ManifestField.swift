/// A column of a manifest's schema, stored by name and type name.
public struct ManifestField: Sendable, Hashable, Codable {
  /// The column name.
  public var name: String
  /// The type, as `QuiverFormat.DataType.name` spells it (`float32`,
  /// `fixed_size_list<float32>[384]`, ...).
  public var type: String
  /// Whether the column may hold nulls.
  public var nullable: Bool
  /// Free-form field metadata.
  public var metadata: [String: String]

  /// Creates a field record.
  public init(name: String, type: String, nullable: Bool, metadata: [String: String] = [:]) {
    self.name = name
    self.type = type
    self.nullable = nullable
    self.metadata = metadata
  }
}
