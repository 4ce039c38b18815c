import QuiverExchange
import QuiverFormat

/// Reads a Parquet file for `quiver convert` through QuiverExchange, one row group per batch.
struct ParquetExchangeReader: ExchangeReader {
  let path: String
  let fields: [ExchangeField]
  private var reader: ParquetReader
  private var rows = 0

  /// Opens `path`.
  /// - Throws: `CLIError` naming the file and the problem.
  init(path: String) throws {
    self.path = path
    reader = try ExchangeErrors.mapping { try ParquetReader(path: path) }
    fields = try RecordBatchBridge.fields(for: reader.schema)
  }

  var totalBytes: Int64 { Int64(reader.fileSize) }
  var bytesRead: Int64 {
    reader.rowGroupCount == 0
      ? totalBytes : totalBytes * Int64(reader.nextRowGroup) / Int64(reader.rowGroupCount)
  }

  mutating func nextBatch() throws -> ExchangeBatch? {
    guard let batch = try ExchangeErrors.mapping({ try reader.nextBatch() }) else { return nil }
    defer { rows += batch.rowCount }
    return try RecordBatchBridge.exchangeBatch(batch, source: path, firstRow: rows)
  }
}

/// Writes a Parquet file for `quiver convert` through QuiverExchange (zstd, pyarrow's layout).
struct ParquetExchangeWriter: ExchangeWriter {
  private let path: String
  private let schema: Schema
  private var writer: ParquetWriter
  private var rows = 0

  /// Creates the file (visible once `finish()` succeeds).
  /// - Throws: `CLIError.cannotCreate` when it cannot be created.
  init(path: String, fields: [ExchangeField], replacing: Bool) throws {
    self.path = path
    schema = try RecordBatchBridge.schema(for: fields, source: path)
    let schema = schema
    writer = try ExchangeErrors.mapping(creating: true) {
      try ParquetWriter(path: path, schema: schema, replacing: replacing)
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

/// Turns QuiverExchange's errors into the CLI's, keeping the message (which names the file and
/// the place in it).
enum ExchangeErrors {
  /// Runs `body`, rethrowing an `ExchangeError` as a `CLIError` with the matching exit status.
  static func mapping<Result>(creating: Bool = false, _ body: () throws -> Result) throws -> Result {
    do {
      return try body()
    } catch let error as ExchangeError {
      switch error.code {
      case .ioError: throw CLIError(creating ? .cannotCreate : .ioFailure, error.message)
      case .unsupportedType: throw CLIError(.usage, error.message)
      default: throw CLIError(.badData, error.message)
      }
    }
  }
}
