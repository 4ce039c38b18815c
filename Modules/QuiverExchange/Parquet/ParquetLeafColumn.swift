import QuiverFormat

/// One Parquet leaf column as Quiver reads it: where its values are, how many levels it has,
/// and the Quiver column it becomes (a scalar column, or a vector column from a list).
struct ParquetLeafColumn: Sendable {
  /// What the leaf becomes.
  enum Shape: Sendable, Hashable {
    /// A top-level primitive: one value (or null) per row.
    case scalar
    /// The elements of a top-level list: one vector (or null) per row; `listDefinition` is the
    /// definition level at which the list exists (is not null).
    case list(listDefinition: Int)
  }

  /// The Quiver column's name (the top-level field name).
  var name: String
  /// The path of the leaf in the Parquet schema (`vector.list.element`).
  var path: [String]
  var physicalType: ParquetPhysicalType
  var typeLength: Int
  var logicalType: ParquetLogicalType?
  var maxDefinitionLevel: Int
  var maxRepetitionLevel: Int
  var shape: Shape
  /// The Quiver type of one value (for lists, of one element).
  var valueType: DataType
  /// Whether the Quiver column may hold nulls.
  var nullable: Bool

  /// Bytes per decoded value: the physical width (booleans one byte), nil for byte arrays.
  var physicalWidth: Int? {
    switch physicalType {
    case .boolean: 1
    case .int32, .float: 4
    case .int64, .double: 8
    case .int96: 12
    case .fixedLengthByteArray: typeLength
    case .byteArray: nil
    }
  }

  /// The leaf columns of a Parquet schema, one per Quiver column.
  /// - Throws: `ExchangeError.unsupportedFeature` naming a column Quiver cannot hold (a map, a
  ///   struct, a list of lists, a list of doubles), `.corruptFile` for a malformed tree.
  static func columns(of schema: [ParquetSchemaElement], file: String) throws
    -> [ParquetLeafColumn]
  {
    guard let root = schema.first, let rootChildren = root.childCount, rootChildren >= 0 else {
      throw ExchangeError(.corruptFile, "\(file): the footer's schema has no root group")
    }
    var position = 1
    func next() throws -> ParquetSchemaElement {
      guard position < schema.count else {
        throw ExchangeError(.corruptFile, "\(file): the footer's schema tree is cut off")
      }
      defer { position += 1 }
      return schema[position]
    }
    func unsupported(_ name: String, _ what: String) -> ExchangeError {
      ExchangeError(.unsupportedFeature, "\(file): column '\(name)' is \(what), which Quiver cannot hold")
    }
    var columns: [ParquetLeafColumn] = []
    for _ in 0..<rootChildren {
      let top = try next()
      let topOptional = top.repetition != .required
      if let physical = top.physicalType {
        guard top.repetition != .repeated else { throw unsupported(top.name, "a repeated value") }
        columns.append(
          ParquetLeafColumn(
            name: top.name, path: [top.name], physicalType: physical,
            typeLength: Int(top.typeLength ?? 0), logicalType: top.logicalType,
            maxDefinitionLevel: topOptional ? 1 : 0, maxRepetitionLevel: 0, shape: .scalar,
            valueType: try scalarType(of: top, physical: physical, file: file),
            nullable: topOptional))
        continue
      }
      guard top.logicalType == .list, top.childCount == 1 else {
        throw unsupported(top.name, "a nested group (struct or map)")
      }
      let repeated = try next()
      guard repeated.repetition == .repeated else {
        throw unsupported(top.name, "a list whose middle node is not repeated")
      }
      let element: ParquetSchemaElement
      var path = [top.name, repeated.name]
      let twoLevel = repeated.physicalType != nil
      if twoLevel {
        element = repeated  // The two-level list layout: the repeated node is the element.
      } else {
        guard repeated.childCount == 1 else { throw unsupported(top.name, "a list of structs") }
        element = try next()
        path.append(element.name)
        guard element.physicalType != nil else { throw unsupported(top.name, "a list of lists") }
      }
      guard let physical = element.physicalType else { throw unsupported(top.name, "a list") }
      let listDefinition = topOptional ? 1 : 0
      let elementOptional = !twoLevel && element.repetition == .optional
      let maxDefinition = listDefinition + 1 + (elementOptional ? 1 : 0)
      let elementType = try scalarType(of: element, physical: physical, file: file)
      switch elementType {
      case .float32, .float16, .uint8: break
      default:
        throw unsupported(
          top.name, "a list of \(elementType); vectors must be float32, float16 or uint8")
      }
      columns.append(
        ParquetLeafColumn(
          name: top.name, path: path, physicalType: physical,
          typeLength: Int(element.typeLength ?? 0), logicalType: element.logicalType,
          maxDefinitionLevel: maxDefinition, maxRepetitionLevel: 1,
          shape: .list(listDefinition: listDefinition),
          valueType: elementType, nullable: topOptional))
    }
    guard position == schema.count else {
      throw ExchangeError(
        .corruptFile, "\(file): the footer's schema has \(schema.count - position) nodes past its tree")
    }
    return columns
  }

  /// The Quiver type of a primitive node.
  private static func scalarType(
    of element: ParquetSchemaElement, physical: ParquetPhysicalType, file: String
  ) throws -> DataType {
    switch (physical, element.logicalType) {
    case (.boolean, _): return .bool
    case (.int32, .integer(8, true)): return .int8
    case (.int32, .integer(16, true)): return .int16
    case (.int32, .integer(8, false)): return .uint8
    case (.int32, .integer(16, false)): return .uint16
    case (.int32, .integer(32, false)): return .uint32
    case (.int32, .date): return .date
    case (.int32, _): return .int32
    case (.int64, .integer(64, false)): return .uint64
    case (.int64, .timestamp): return .timestamp
    case (.int64, _): return .int64
    case (.int96, _): return .timestamp
    case (.float, _): return .float32
    case (.double, _): return .float64
    case (.byteArray, .string): return .utf8
    case (.byteArray, _): return .binary
    case (.fixedLengthByteArray, .float16):
      guard element.typeLength == 2 else {
        throw ExchangeError(
          .corruptFile, "\(file): column '\(element.name)' is float16 but \(element.typeLength ?? 0) bytes wide")
      }
      return .float16
    case (.fixedLengthByteArray, _):
      guard let length = element.typeLength, length >= 1 else {
        throw ExchangeError(
          .corruptFile, "\(file): column '\(element.name)' is a fixed-length byte array without a length")
      }
      return .binary
    }
  }
}
