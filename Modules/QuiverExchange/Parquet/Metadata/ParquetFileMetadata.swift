/// The footer of a Parquet file (parquet.thrift `FileMetaData`): the schema, the row groups
/// and key/value metadata.
struct ParquetFileMetadata: Sendable {
  var version: Int32
  var schema: [ParquetSchemaElement]
  var rowCount: Int64
  var rowGroups: [ParquetRowGroup]
  var keyValues: [(key: String, value: String?)]
  var createdBy: String?

  /// Reads a `FileMetaData`.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetFileMetadata {
    var version: Int32 = 1
    var schema: [ParquetSchemaElement] = []
    var rowCount: Int64?
    var rowGroups: [ParquetRowGroup] = []
    var keyValues: [(key: String, value: String?)] = []
    var createdBy: String?
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .i32): version = try reader.readI32()
      case (2, .list): schema = try reader.readStructList(ParquetSchemaElement.read)
      case (3, .i64): rowCount = try reader.readI64()
      case (4, .list): rowGroups = try reader.readStructList(ParquetRowGroup.read)
      case (5, .list):
        keyValues = try reader.readStructList { reader in
          var key = ""
          var value: String?
          try reader.readFields { reader, id, type in
            switch (id, type) {
            case (1, .binary): key = try reader.readString()
            case (2, .binary): value = try reader.readString()
            default: try reader.skip(type)
            }
          }
          return (key, value)
        }
      case (6, .binary): createdBy = try reader.readString()
      default: try reader.skip(type)
      }
    }
    guard let rowCount else { throw reader.corrupt("the footer has no row count") }
    return ParquetFileMetadata(
      version: version, schema: schema, rowCount: rowCount, rowGroups: rowGroups,
      keyValues: keyValues, createdBy: createdBy)
  }

  /// The footer's Thrift bytes.
  func serialized() -> [UInt8] {
    var writer = ThriftCompactWriter()
    writer.i32(1, version)
    writer.listHeader(2, elementType: .structure, count: schema.count)
    for element in schema { element.write(to: &writer) }
    writer.i64(3, rowCount)
    writer.listHeader(4, elementType: .structure, count: rowGroups.count)
    for group in rowGroups { group.write(to: &writer) }
    if !keyValues.isEmpty {
      writer.listHeader(5, elementType: .structure, count: keyValues.count)
      for (key, value) in keyValues {
        writer.beginListElementStructure()
        writer.string(1, key)
        if let value { writer.string(2, value) }
        writer.endStructure()
      }
    }
    if let createdBy { writer.string(6, createdBy) }
    writer.endStructure()
    return writer.bytes
  }
}
