import QuiverFormat

/// Arrow IPC metadata messages (Message.fbs, Schema.fbs, File.fbs) that Quiver writes and reads:
/// the schema, record batch headers and the file footer, framed as encapsulated messages
/// (`0xFFFFFFFF`, a 4-byte length, the flatbuffer padded to 8 bytes).
enum ArrowMetadata {
  /// Metadata version V5.
  static let version: Int16 = 4

  /// A `Schema` table for `fields`.
  static func schema(_ fields: [ArrowField], metadata: [String: String] = [:]) -> FlatbufferBuilder.Object {
    let keyValues = metadata.sorted { $0.key < $1.key }.map { key, value in
      FlatbufferBuilder.Object.table([.object(.string(key)), .object(.string(value))])
    }
    return .table([
      .int16(0), .object(.tables(fields.map(\.flatbuffer))),
      keyValues.isEmpty ? nil : .object(.tables(keyValues)),
    ])
  }

  /// A `Message` table with header `headerType` (1 schema, 3 record batch).
  static func message(headerType: UInt8, header: FlatbufferBuilder.Object, bodyLength: Int64)
    -> [UInt8]
  {
    FlatbufferBuilder.build(
      .table([.int16(version), .uint8(headerType), .object(header), .int64(bodyLength)]))
  }

  /// `flatbuffer` framed as an encapsulated message: continuation marker, length, padded body.
  static func framed(_ flatbuffer: [UInt8]) -> [UInt8] {
    var padded = flatbuffer
    while (padded.count + 8) % 8 != 0 { padded.append(0) }
    var output: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    withUnsafeBytes(of: UInt32(padded.count).littleEndian) { output.append(contentsOf: $0) }
    return output + padded
  }

  /// The encapsulated schema message of `schema` (what pyarrow keeps, base64-encoded, as a
  /// Parquet file's `ARROW:schema` metadata).
  static func schemaMessage(_ schema: Schema) -> [UInt8] {
    framed(message(headerType: 1, header: self.schema(schema.fields.map(ArrowField.init)), bodyLength: 0))
  }

  /// The fields of an encapsulated schema message (as kept in `ARROW:schema`), or nil when the
  /// bytes are not one.
  static func fields(ofSchemaMessage bytes: [UInt8], context: String) -> [ArrowField]? {
    var start = 0
    if bytes.starts(with: [0xFF, 0xFF, 0xFF, 0xFF]) { start = 4 }
    guard bytes.count >= start + 4 else { return nil }
    let length = bytes.withUnsafeBytes {
      Int(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: Int32.self)))
    }
    guard length > 0, length <= bytes.count - start - 4 else { return nil }
    let metadata = Array(bytes[(start + 4)..<(start + 4 + length)])
    guard let message = try? FlatbufferTable(root: metadata, context: context),
      (try? message.integer(1, UInt8.self)) == 1, let schema = try? message.table(2)
    else { return nil }
    return try? fields(of: schema)
  }

  /// Reads the fields of a `Schema` table.
  static func fields(of schema: FlatbufferTable) throws -> [ArrowField] {
    guard try schema.integer(0, Int16.self) == 0 else {
      throw ExchangeError(.unsupportedFeature, "\(schema.context): big-endian data is not supported")
    }
    return try schema.tables(1).map(ArrowField.read)
  }
}
