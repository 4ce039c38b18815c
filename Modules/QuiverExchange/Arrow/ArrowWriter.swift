import QuiverFormat

/// Writes `RecordBatch`es as an Arrow IPC file (`.arrow`, which is also Feather v2) or stream
/// (`.arrows`), one record batch message per batch written (Docs/Exchange.md "Arrow IPC").
/// The file appears under its name only when `finish()` succeeds.
public struct ArrowWriter {
  /// The two IPC layouts.
  public enum Layout: Sendable, Hashable {
    /// The random-access file format: `ARROW1` magic, messages, a footer indexing the batches.
    case file
    /// The streaming format: messages ended by an end-of-stream marker.
    case stream
  }

  /// The target path.
  public let path: String
  /// The schema every batch must have.
  public let schema: Schema
  /// The layout written.
  public let layout: Layout

  private let output: ExchangeOutputFile
  private let encoder: ArrowRecordBatchEncoder
  /// Offset, metadata length and body length of each record batch (the file footer's blocks).
  private var blocks: [(offset: Int, metadataLength: Int, bodyLength: Int)] = []

  /// Creates the file (under a temporary name until `finish()`) and writes the schema.
  /// - Parameters:
  ///   - compression: `.uncompressed` (default) or `.zstd` body buffers.
  ///   - replacing: whether an existing file at `path` may be replaced.
  ///   - layout: How vectors are laid out in the file.
  ///   - path: The file's path.
  ///   - schema: The columns of every batch.
  /// - Throws: `ExchangeError.unsupportedType` for a codec Arrow IPC does not have,
  ///   `.ioError` when the file cannot be created.
  public init(
    path: String, schema: Schema, layout: Layout, compression: CompressionCodec = .uncompressed,
    replacing: Bool = false
  ) throws {
    switch compression {
    case .uncompressed, .zstd: break
    default:
      throw ExchangeError(.unsupportedType, "\(path): Arrow IPC bodies are uncompressed or zstd")
    }
    self.path = path
    self.schema = schema
    self.layout = layout
    encoder = ArrowRecordBatchEncoder(compression: compression)
    output = try ExchangeOutputFile(path: path, replacing: replacing)
    if layout == .file { try output.write(Array("ARROW1".utf8) + [0, 0]) }
    try output.write(ArrowMetadata.schemaMessage(schema))
  }

  /// Appends `batch` as one record batch.
  /// - Throws: `ExchangeError.schemaMismatch` when its columns differ from the schema's.
  public mutating func write(_ batch: RecordBatch) throws {
    guard batch.schema.names == schema.names,
      zip(batch.schema.fields, schema.fields).allSatisfy({ $0.type == $1.type })
    else {
      throw ExchangeError(
        .schemaMismatch, "\(path): a batch has columns (\(batch.schema)) but the file has (\(schema))")
    }
    let (header, body) = try encoder.encode(batch)
    let metadata = ArrowMetadata.framed(
      ArrowMetadata.message(headerType: 3, header: header, bodyLength: Int64(body.count)))
    blocks.append((output.size, metadata.count, body.count))
    try output.write(metadata)
    try output.write(body)
  }

  /// Writes the end-of-stream marker (and, for files, the footer) and moves the file into place.
  public mutating func finish() throws {
    try output.write([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    if layout == .file {
      var blockBytes: [UInt8] = []
      for block in blocks {
        withUnsafeBytes(of: Int64(block.offset).littleEndian) { blockBytes += $0 }
        withUnsafeBytes(of: Int32(block.metadataLength).littleEndian) { blockBytes += $0 }
        blockBytes += [0, 0, 0, 0]
        withUnsafeBytes(of: Int64(block.bodyLength).littleEndian) { blockBytes += $0 }
      }
      let footer = FlatbufferBuilder.build(
        .table([
          .int16(ArrowMetadata.version),
          .object(ArrowMetadata.schema(schema.fields.map(ArrowField.init))),
          .object(.structBytes([], count: 0)),
          .object(.structBytes(blockBytes, count: blocks.count)),
        ]))
      try output.write(footer)
      try output.write(withUnsafeBytes(of: Int32(footer.count).littleEndian) { Array($0) })
      try output.write(Array("ARROW1".utf8))
    }
    try output.commit()
  }

  /// Removes the partial file; the target is left as it was.
  public mutating func abandon() { output.abandon() }
}
