import QuiverExchange
import QuiverFormat
import QuiverTable

/// Parquet files, Arrow IPC files and streams, and tables all hold `RecordBatch`es. Between two
/// of them rows pass through unchanged — every integer width, uint64, float16, timestamps,
/// dates, null vectors — instead of through the `ExchangeBatch` of the text and vector formats,
/// so `Parquet → table → Parquet` keeps every value and type (issue #15).
extension ConvertCommand {
  /// Where rows come from: a Parquet or Arrow file, or a table.
  private enum RecordBatchSource {
    case file(any RecordBatchFileReader)
    case table(Dataset)

    var schema: Schema {
      get throws {
        switch self {
        case .file(let reader): reader.schema
        case .table(let dataset): try dataset.schema()
        }
      }
    }
  }

  /// Copies `source` into `target` as record batches when both ends hold them; nil when either
  /// end is another format, or when appending to a table of another schema (the general path
  /// converts the columns then).
  func convertRecordBatches(from source: ConvertEndpoint, to target: ConvertEndpoint) throws
    -> Summary?
  {
    guard Self.holdsRecordBatches(target), let input = try recordBatchSource(source) else {
      return nil
    }
    let schema = try input.schema
    let fields = RecordBatchBridge.fields(for: schema)
    switch target {
    case .file(let path, let format):
      var writer = try ExchangeErrors.mapping(creating: true) { () -> any RecordBatchFileWriter in
        if format == .parquet {
          return try ParquetWriter(path: path, schema: schema, replacing: mode == .overwrite)
        }
        return try ArrowWriter(
          path: path, schema: schema, layout: format == .arrow ? .file : .stream,
          replacing: mode == .overwrite)
      }
      do {
        let rows = try copy(input) { batch in try ExchangeErrors.mapping { try writer.write(batch) } }
        try ExchangeErrors.mapping { try writer.finish() }
        return Summary(rows: rows, fields: fields, version: nil)
      } catch {
        writer.abandon()
        throw error
      }
    case .table(let path):
      var sink = try TableSink(
        location: path, fields: fields, source: Self.path(of: source), mode: mode, schema: schema)
      guard sink.schema == schema else {
        sink.abandon()
        return nil
      }
      do {
        let rows = try copy(input) { try sink.write($0) }
        let dataset = try sink.commit()
        return Summary(rows: rows, fields: fields, version: dataset.version)
      } catch {
        sink.abandon()
        throw error
      }
    }
  }

  /// A reader of `endpoint` when it holds record batches.
  private func recordBatchSource(_ endpoint: ConvertEndpoint) throws -> RecordBatchSource? {
    switch endpoint {
    case .table(let path): return .table(try TableAccess.open(path, version: version))
    case .file(let path, .parquet):
      return .file(try ExchangeErrors.mapping { try ParquetReader(path: path) })
    case .file(let path, .arrow), .file(let path, .arrowStream):
      return .file(try ExchangeErrors.mapping { try ArrowReader(path: path) })
    case .file: return nil
    }
  }

  private static func path(of endpoint: ConvertEndpoint) -> String {
    switch endpoint {
    case .file(let path, _), .table(let path): path
    }
  }

  private static func holdsRecordBatches(_ endpoint: ConvertEndpoint) -> Bool {
    switch endpoint {
    case .table, .file(_, .parquet), .file(_, .arrow), .file(_, .arrowStream): true
    case .file: false
    }
  }

  /// Passes every batch of `input` to `write`, showing progress; returns the rows copied.
  private func copy(_ input: RecordBatchSource, _ write: (RecordBatch) throws -> Void) throws
    -> Int
  {
    var rows = 0
    switch input {
    case .file(var reader):
      let progress = ProgressReporter(
        "convert", total: Int64(reader.fileSize), unit: .bytes, quiet: outputOptions.quiet)
      defer { progress.finish() }
      while let batch = try ExchangeErrors.mapping({ try reader.nextBatch() }) {
        try write(batch)
        rows += batch.rowCount
        progress.update(Int64(reader.bytesRead))
      }
    case .table(let dataset):
      let progress = ProgressReporter(
        "convert", total: Int64(dataset.liveRowCount), unit: .items("rows"),
        quiet: outputOptions.quiet)
      defer { progress.finish() }
      try dataset.scan { part in
        try write(part.batch)
        rows += part.batch.rowCount
        progress.update(Int64(rows))
      }
    }
    return rows
  }
}
