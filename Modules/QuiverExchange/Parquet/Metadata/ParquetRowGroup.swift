/// One row group: a column chunk per leaf column, all holding the same rows
/// (parquet.thrift `RowGroup`).
struct ParquetRowGroup: Sendable, Hashable {
  var columns: [ParquetColumnChunk]
  var totalByteSize: Int64
  var rowCount: Int64

  /// Reads a `RowGroup`.
  static func read(_ reader: inout ThriftCompactReader) throws -> ParquetRowGroup {
    var columns: [ParquetColumnChunk] = []
    var totalByteSize: Int64 = 0
    var rowCount: Int64?
    try reader.readFields { reader, id, type in
      switch (id, type) {
      case (1, .list): columns = try reader.readStructList(ParquetColumnChunk.read)
      case (2, .i64): totalByteSize = try reader.readI64()
      case (3, .i64): rowCount = try reader.readI64()
      default: try reader.skip(type)
      }
    }
    guard let rowCount else { throw reader.corrupt("a row group has no row count") }
    return ParquetRowGroup(columns: columns, totalByteSize: totalByteSize, rowCount: rowCount)
  }

  /// Writes this row group as a `RowGroup` list entry.
  func write(to writer: inout ThriftCompactWriter) {
    writer.beginListElementStructure()
    writer.listHeader(1, elementType: .structure, count: columns.count)
    for column in columns { column.write(to: &writer) }
    writer.i64(2, totalByteSize)
    writer.i64(3, rowCount)
    if let first = columns.first {
      writer.i64(5, first.startOffset)
      writer.i64(6, columns.reduce(0) { $0 + $1.totalCompressedSize })
    }
    writer.endStructure()
  }
}
