/// Where one leaf column of one row group lies in the file and how it is stored
/// (parquet.thrift `ColumnChunk` with its `ColumnMetaData`).
struct ParquetColumnChunk: Sendable, Hashable {
  var physicalType: ParquetPhysicalType
  var encodings: [Int32]
  var path: [String]
  var codec: ParquetCodec
  var valueCount: Int64
  var totalUncompressedSize: Int64
  var totalCompressedSize: Int64
  var dataPageOffset: Int64
  var dictionaryPageOffset: Int64?

  /// The file offset of the chunk's first page (its dictionary page when it has one).
  var startOffset: Int64 {
    if let dictionaryPageOffset, dictionaryPageOffset > 0, dictionaryPageOffset < dataPageOffset {
      return dictionaryPageOffset
    }
    return dataPageOffset
  }

  /// Reads a `ColumnChunk`.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetColumnChunk {
    var chunk: ParquetColumnChunk?
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .binary):
        throw ExchangeError(
          .unsupportedFeature, "\(reader.context): column data in another file is not supported")
      case (3, .structure): chunk = try readMetadata(&reader)
      default: try reader.skip(type)
      }
    }
    guard let chunk else { throw reader.corrupt("a column chunk has no metadata") }
    return chunk
  }

  private static func readMetadata(_ reader: inout ThriftCompactReader) throws
    -> ParquetColumnChunk
  {
    var physical: ParquetPhysicalType?
    var encodings: [Int32] = []
    var path: [String] = []
    var codec: ParquetCodec?
    var valueCount: Int64?
    var uncompressed: Int64 = 0
    var compressed: Int64?
    var dataPageOffset: Int64?
    var dictionaryPageOffset: Int64?
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .i32): physical = ParquetPhysicalType(rawValue: try reader.readI32())
      case (2, .list): encodings = try reader.readI32List()
      case (3, .list): path = try reader.readStringList()
      case (4, .i32):
        let raw = try reader.readI32()
        guard let known = ParquetCodec(rawValue: raw) else {
          throw ExchangeError(.unsupportedFeature, "\(reader.context): unknown codec \(raw)")
        }
        codec = known
      case (5, .i64): valueCount = try reader.readI64()
      case (6, .i64): uncompressed = try reader.readI64()
      case (7, .i64): compressed = try reader.readI64()
      case (9, .i64): dataPageOffset = try reader.readI64()
      case (11, .i64): dictionaryPageOffset = try reader.readI64()
      default: try reader.skip(type)
      }
    }
    guard let physical, let codec, let valueCount, let compressed, let dataPageOffset else {
      throw reader.corrupt("column metadata lacks a required field")
    }
    return ParquetColumnChunk(
      physicalType: physical, encodings: encodings, path: path, codec: codec,
      valueCount: valueCount, totalUncompressedSize: uncompressed,
      totalCompressedSize: compressed, dataPageOffset: dataPageOffset,
      dictionaryPageOffset: dictionaryPageOffset)
  }

  /// Writes this chunk as a `ColumnChunk` list entry.
  func write(to writer: inout ThriftCompactWriter) {
    writer.beginListElementStructure()
    writer.i64(2, startOffset)
    writer.beginStructure(3)
    writer.i32(1, physicalType.rawValue)
    writer.i32List(2, encodings)
    writer.stringList(3, path)
    writer.i32(4, codec.rawValue)
    writer.i64(5, valueCount)
    writer.i64(6, totalUncompressedSize)
    writer.i64(7, totalCompressedSize)
    writer.i64(9, dataPageOffset)
    if let dictionaryPageOffset { writer.i64(11, dictionaryPageOffset) }
    writer.endStructure()
    writer.endStructure()
  }
}
