import QuiverExchange
import QuiverFormat

/// Reads an Arrow IPC file or stream for `quiver convert` through QuiverExchange, one record
/// batch per batch.
struct ArrowExchangeReader: ExchangeReader {
  let path: String
  let fields: [ExchangeField]
  private var reader: ArrowReader
  private var rows = 0

  /// Opens `path`.
  /// - Throws: `CLIError` naming the file and the problem.
  init(path: String) throws {
    self.path = path
    reader = try ExchangeErrors.mapping { try ArrowReader(path: path) }
    fields = try RecordBatchBridge.fields(for: reader.schema)
  }

  var totalBytes: Int64 { Int64(reader.fileSize) }
  var bytesRead: Int64 { Int64(reader.bytesRead) }

  mutating func nextBatch() throws -> ExchangeBatch? {
    guard let batch = try ExchangeErrors.mapping({ try reader.nextBatch() }) else { return nil }
    defer { rows += batch.rowCount }
    return try RecordBatchBridge.exchangeBatch(batch, source: path, firstRow: rows)
  }
}

/// Writes an Arrow IPC file (`.arrow`, `.feather`) or stream (`.arrows`) for `quiver convert`.
struct ArrowExchangeWriter: ExchangeWriter {
  private let path: String
  private let schema: Schema
  private var writer: ArrowWriter
  private var rows = 0

  /// Creates the file (visible once `finish()` succeeds).
  /// - Throws: `CLIError.cannotCreate` when it cannot be created.
  init(path: String, fields: [ExchangeField], layout: ArrowWriter.Layout, replacing: Bool) throws {
    self.path = path
    schema = try RecordBatchBridge.schema(for: fields, source: path)
    let schema = schema
    writer = try ExchangeErrors.mapping(creating: true) {
      try ArrowWriter(path: path, schema: schema, layout: layout, replacing: replacing)
    }
  }

  mutating func write(_ batch: ExchangeBatch) throws {
    let records = try RecordBatchBridge.recordBatch(batch, schema: schema, source: path, firstRow: rows)
    try ExchangeErrors.mapping { try writer.write(records) }
    rows += batch.rowCount
  }

  mutating func finish() throws { try ExchangeErrors.mapping { try writer.finish() } }

  mutating func abandon() { writer.abandon() }
}
