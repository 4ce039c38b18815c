import QuiverFormat

/// The Parquet schema a Quiver schema is written as, the way pyarrow writes the same Arrow
/// types: integers narrower than 32 bits as annotated INT32, timestamps as INT64
/// TIMESTAMP(MICROS, UTC), float16 as FIXED_LEN_BYTE_ARRAY(2) FLOAT16, and a vector as a
/// three-level LIST (`optional group NAME (LIST) { repeated group list { optional ELEMENT
/// element } }`).
enum ParquetSchemaBuilder {
  /// The schema elements (root first, depth first) and one leaf per field.
  static func build(_ schema: Schema) -> (elements: [ParquetSchemaElement], leaves: [ParquetLeafColumn]) {
    var elements = [
      ParquetSchemaElement(name: "schema", repetition: .required, childCount: Int32(schema.count))
    ]
    var leaves: [ParquetLeafColumn] = []
    for field in schema.fields {
      let repetition: ParquetRepetition = field.nullable ? .optional : .required
      if case .fixedSizeList(let element, _) = field.type {
        let valueType: DataType =
          element == .float32 ? .float32 : element == .float16 ? .float16 : .uint8
        let (physical, length, logical) = primitive(valueType)
        elements.append(
          ParquetSchemaElement(
            name: field.name, repetition: repetition, childCount: 1, logicalType: .list))
        elements.append(ParquetSchemaElement(name: "list", repetition: .repeated, childCount: 1))
        elements.append(
          ParquetSchemaElement(
            name: "element", physicalType: physical, typeLength: length, repetition: .optional,
            logicalType: logical))
        let listDefinition = field.nullable ? 1 : 0
        leaves.append(
          ParquetLeafColumn(
            name: field.name, path: [field.name, "list", "element"], physicalType: physical,
            typeLength: Int(length ?? 0), logicalType: logical,
            maxDefinitionLevel: listDefinition + 2, maxRepetitionLevel: 1,
            shape: .list(listDefinition: listDefinition),
            valueType: valueType, nullable: field.nullable))
      } else {
        let (physical, length, logical) = primitive(field.type)
        elements.append(
          ParquetSchemaElement(
            name: field.name, physicalType: physical, typeLength: length, repetition: repetition,
            logicalType: logical))
        leaves.append(
          ParquetLeafColumn(
            name: field.name, path: [field.name], physicalType: physical,
            typeLength: Int(length ?? 0), logicalType: logical,
            maxDefinitionLevel: field.nullable ? 1 : 0, maxRepetitionLevel: 0, shape: .scalar,
            valueType: field.type, nullable: field.nullable))
      }
    }
    return (elements, leaves)
  }

  /// The physical type, fixed length and annotation of a scalar Quiver type.
  private static func primitive(_ type: DataType) -> (ParquetPhysicalType, Int32?, ParquetLogicalType?) {
    switch type {
    case .bool: (.boolean, nil, nil)
    case .int8: (.int32, nil, .integer(bitWidth: 8, signed: true))
    case .int16: (.int32, nil, .integer(bitWidth: 16, signed: true))
    case .int32: (.int32, nil, nil)
    case .int64: (.int64, nil, nil)
    case .uint8: (.int32, nil, .integer(bitWidth: 8, signed: false))
    case .uint16: (.int32, nil, .integer(bitWidth: 16, signed: false))
    case .uint32: (.int32, nil, .integer(bitWidth: 32, signed: false))
    case .uint64: (.int64, nil, .integer(bitWidth: 64, signed: false))
    case .float16: (.fixedLengthByteArray, 2, .float16)
    case .float32: (.float, nil, nil)
    case .float64: (.double, nil, nil)
    case .utf8: (.byteArray, nil, .string)
    case .binary: (.byteArray, nil, nil)
    case .timestamp: (.int64, nil, .timestamp(unitsPerSecond: 1_000_000, adjustedToUTC: true))
    case .date: (.int32, nil, .date)
    case .fixedSizeList: preconditionFailure("vectors are lists, not primitives")
    }
  }
}
