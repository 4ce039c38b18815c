import QuiverFormat

/// A file read one `RecordBatch` at a time, whatever its format: `ParquetReader` (a row group
/// per batch) and `ArrowReader` (a record batch per batch). Callers that stream any exchange
/// file (e.g. `quiver convert`) depend on this instead of on each reader.
public protocol RecordBatchFileReader {
  /// The file's path, as given.
  var path: String { get }
  /// The columns every batch has.
  var schema: Schema { get }
  /// The file's size in bytes.
  var fileSize: Int { get }
  /// How far into the file reading has got, in bytes (for progress reports).
  var bytesRead: Int { get }
  /// The next batch, or nil after the last.
  /// - Throws: `ExchangeError` naming the file and the place in it.
  mutating func nextBatch() throws -> RecordBatch?
}

/// A file written one `RecordBatch` at a time, whatever its format: `ParquetWriter` and
/// `ArrowWriter`. The file becomes visible under its name only when `finish()` succeeds.
public protocol RecordBatchFileWriter {
  /// Appends `batch` (of the writer's schema).
  /// - Throws: `ExchangeError`.
  mutating func write(_ batch: RecordBatch) throws
  /// Completes the file and moves it into place.
  /// - Throws: `ExchangeError`.
  mutating func finish() throws
  /// Gives up: removes what was written.
  mutating func abandon()
}

extension ParquetReader: RecordBatchFileReader {
  /// The bytes of the row groups read so far, estimated from their share of the row groups.
  public var bytesRead: Int {
    rowGroupCount == 0 ? fileSize : fileSize * nextRowGroup / rowGroupCount
  }
}

extension ArrowReader: RecordBatchFileReader {}

extension ParquetWriter: RecordBatchFileWriter {}

extension ArrowWriter: RecordBatchFileWriter {}
