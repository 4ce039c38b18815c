import QuiverExchange
import QuiverFormat

/// Reads a Parquet or Arrow IPC file for `quiver convert` through QuiverExchange, one
/// `RecordBatch` (row group or record batch) per batch.
struct RecordBatchExchangeReader<Reader: RecordBatchFileReader>: ExchangeReader {
  let path: String
  let fields: [ExchangeField]
  private var reader: Reader
  private var rows = 0

  /// Opens `path` with `open`.
  /// - Throws: `CLIError` naming the file and the problem.
  init(path: String, open: (String) throws -> Reader) throws {
    self.path = path
    reader = try ExchangeErrors.mapping { try open(path) }
    fields = RecordBatchBridge.fields(for: reader.schema)
  }

  var totalBytes: Int64 { Int64(reader.fileSize) }
  var bytesRead: Int64 { Int64(reader.bytesRead) }

  mutating func nextBatch() throws -> ExchangeBatch? {
    guard let batch = try ExchangeErrors.mapping({ try reader.nextBatch() }) else { return nil }
    defer { rows += batch.rowCount }
    return try RecordBatchBridge.exchangeBatch(batch, source: path, firstRow: rows)
  }
}

/// Writes a Parquet file (zstd, pyarrow's layout) or an Arrow IPC file or stream for
/// `quiver convert` through QuiverExchange.
struct RecordBatchExchangeWriter<Writer: RecordBatchFileWriter>: ExchangeWriter {
  private let path: String
  private let schema: Schema
  private var writer: Writer
  private var rows = 0

  /// Creates the file with `create`, given the schema of `fields` (visible once `finish()`
  /// succeeds).
  /// - Throws: `CLIError.cannotCreate` when it cannot be created.
  init(path: String, fields: [ExchangeField], create: (Schema) throws -> Writer) throws {
    self.path = path
    let schema = try RecordBatchBridge.schema(for: fields, source: path)
    self.schema = schema
    writer = try ExchangeErrors.mapping(creating: true) { try create(schema) }
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
