/// One node of a Parquet schema (parquet.thrift `SchemaElement`): a group with children or a
/// leaf with a physical type. The schema is the depth-first list of these nodes.
struct ParquetSchemaElement: Sendable, Hashable {
  var name: String
  var physicalType: ParquetPhysicalType?
  /// FIXED_LEN_BYTE_ARRAY width in bytes.
  var typeLength: Int32?
  var repetition: ParquetRepetition?
  var childCount: Int32?
  var logicalType: ParquetLogicalType?

  init(
    name: String, physicalType: ParquetPhysicalType? = nil, typeLength: Int32? = nil,
    repetition: ParquetRepetition? = nil, childCount: Int32? = nil,
    logicalType: ParquetLogicalType? = nil
  ) {
    self.name = name
    self.physicalType = physicalType
    self.typeLength = typeLength
    self.repetition = repetition
    self.childCount = childCount
    self.logicalType = logicalType
  }

  /// Reads a `SchemaElement`.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetSchemaElement {
    var element = ParquetSchemaElement(name: "")
    var converted: ParquetLogicalType?
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .i32):
        let raw = try reader.readI32()
        guard let physical = ParquetPhysicalType(rawValue: raw) else {
          throw reader.corrupt("unknown physical type \(raw)")
        }
        element.physicalType = physical
      case (2, .i32): element.typeLength = try reader.readI32()
      case (3, .i32):
        let raw = try reader.readI32()
        guard let repetition = ParquetRepetition(rawValue: raw) else {
          throw ExchangeError(
            .unsupportedFeature, "\(reader.context): unsupported repetition type \(raw)")
        }
        element.repetition = repetition
      case (4, .binary): element.name = try reader.readString()
      case (5, .i32): element.childCount = try reader.readI32()
      case (6, .i32): converted = ParquetLogicalType.converted(try reader.readI32())
      case (10, .structure): element.logicalType = try ParquetLogicalType.read(&reader)
      default: try reader.skip(type)
      }
    }
    if element.logicalType == nil { element.logicalType = converted }
    return element
  }

  /// Writes this element as a `SchemaElement` list entry.
  func write(to writer: inout ThriftCompactWriter) {
    writer.beginListElementStructure()
    if let physicalType { writer.i32(1, physicalType.rawValue) }
    if let typeLength { writer.i32(2, typeLength) }
    if let repetition { writer.i32(3, repetition.rawValue) }
    writer.string(4, name)
    if let childCount { writer.i32(5, childCount) }
    if let converted = logicalType?.convertedType { writer.i32(6, converted) }
    if let logicalType { logicalType.write(10, to: &writer) }
    writer.endStructure()
  }
}
