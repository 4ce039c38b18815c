import QuiverFormat

extension FilterColumn {
  /// The filter's view of a schema field.
  public init(_ field: Field) {
    let kind: Kind
    switch field.type {
    case .bool: kind = .boolean
    case .int8, .int16, .int32, .int64: kind = .signedInteger
    case .uint8, .uint16, .uint32, .uint64: kind = .unsignedInteger
    case .float16, .float32, .float64: kind = .float
    case .utf8: kind = .string
    case .binary: kind = .binary
    case .timestamp: kind = .timestamp
    case .date: kind = .date
    case .fixedSizeList: kind = .other
    }
    self.init(name: field.name, kind: kind, typeName: field.type.name)
  }
}

extension Schema {
  /// The columns as the filter language sees them.
  public var filterColumns: [FilterColumn] { fields.map(FilterColumn.init) }
}

extension Filter {
  /// Parses and type-checks `text` against a schema.
  ///
  /// - Throws: `QueryError` located in the text (see `init(_:columns:)`).
  public init(_ text: String, schema: Schema) throws(QueryError) {
    try self.init(text, columns: schema.filterColumns)
  }
}
