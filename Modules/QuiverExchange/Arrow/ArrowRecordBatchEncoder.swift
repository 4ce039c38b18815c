import QuiverFormat

/// Lays out a `RecordBatch` as an Arrow IPC record batch: field nodes, buffers (validity,
/// offsets, values; each padded to 8 bytes and optionally zstd-compressed with its length in
/// front) and the `RecordBatch` header that describes them.
struct ArrowRecordBatchEncoder {
  /// The codec of the body buffers: `.uncompressed` or zstd.
  let compression: CompressionCodec

  /// The header flatbuffer object and the body bytes of `batch`.
  func encode(_ batch: RecordBatch) throws -> (header: FlatbufferBuilder.Object, body: [UInt8]) {
    var nodes: [[Int64]] = []
    var buffers: [[Int64]] = []
    var body: [UInt8] = []
    func add(_ bytes: [UInt8]) throws {
      var stored = bytes
      if compression != .uncompressed, !bytes.isEmpty {
        let compressed = try bytes.withUnsafeBytes { try compression.compress($0) }
        stored = withUnsafeBytes(of: Int64(bytes.count).littleEndian) { Array($0) } + compressed
      }
      buffers.append([Int64(body.count), Int64(stored.count)])
      body += stored
      while body.count % 8 != 0 { body.append(0) }
    }
    for column in batch.columns {
      nodes.append([Int64(column.count), Int64(column.nullCount)])
      try add(column.validityBitmap?.bytes ?? [])
      switch column.dataType {
      case .bool:
        var bits = [UInt8](repeating: 0, count: (column.count + 7) / 8)
        column.withUnsafeBytes { raw in
          for row in 0..<column.count where raw[row] != 0 { bits[row >> 3] |= 1 << UInt8(row & 7) }
        }
        try add(bits)
      case .utf8, .binary:
        var offsets: [Int32] = [0]
        var data: [UInt8] = []
        for row in 0..<column.count {
          if !column.isNull(row) { column.withUnsafeBytes(ofRow: row) { data.append(contentsOf: $0) } }
          guard let end = Int32(exactly: data.count) else {
            throw ExchangeError(
              .unsupportedType, "a batch's column holds more than 2 GiB of text or bytes; write smaller batches")
          }
          offsets.append(end)
        }
        try add(offsets.withUnsafeBytes { Array($0) })
        try add(data)
      case .fixedSizeList(_, let dimension):
        nodes.append([Int64(column.count * dimension), 0])
        try add([])
        try add(column.withUnsafeBytes { Array($0) })
      default:
        try add(column.withUnsafeBytes { Array($0) })
      }
    }
    let compressionTable: FlatbufferBuilder.Field? =
      compression == .uncompressed ? nil : .object(.table([.int8(1), .int8(0)]))
    let header = FlatbufferBuilder.Object.table([
      .int64(Int64(batch.rowCount)), .object(.int64Structs(nodes)), .object(.int64Structs(buffers)),
      compressionTable,
    ])
    return (header, body)
  }
}
