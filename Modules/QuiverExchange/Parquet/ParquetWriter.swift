import Foundation
import QuiverFormat

/// Writes `RecordBatch`es to a Parquet file that pyarrow, pandas and other Parquet readers
/// open with the same values (Docs/Exchange.md "Parquet"). Like pyarrow, it keeps the Arrow
/// schema in the footer's `ARROW:schema` metadata, so pyarrow reads vectors back as
/// `FixedSizeList` and timestamps with their UTC zone.
///
/// Rows are buffered up to a row group (`ParquetWriterOptions.rowGroupRows` rows or
/// `rowGroupBytes` bytes), then encoded and written, so memory stays bounded by one row group.
/// The file appears under its name only when `finish()` succeeds.
///
/// ```swift
/// var writer = try ParquetWriter(path: "out.parquet", schema: batch.schema)
/// try writer.write(batch)
/// try writer.finish()
/// ```
public struct ParquetWriter {
  /// The target path.
  public let path: String
  /// The schema every written batch must have.
  public let schema: Schema
  /// The options the file is written with.
  public let options: ParquetWriterOptions

  private let output: ExchangeOutputFile
  private let elements: [ParquetSchemaElement]
  private let leaves: [ParquetLeafColumn]
  private var pending: [RecordBatch] = []
  private var pendingRows = 0
  private var pendingBytes = 0
  private var rowGroups: [ParquetRowGroup] = []
  private var rowCount = 0
  private var finished = false

  /// Creates the file (under a temporary name until `finish()`).
  /// - Parameters:
  ///   - replacing: whether an existing file at `path` may be replaced.
  ///   - options: The options that apply.
  ///   - path: The file's path.
  ///   - schema: The columns of every batch.
  /// - Throws: `ExchangeError.ioError` when the file cannot be created.
  public init(
    path: String, schema: Schema, options: ParquetWriterOptions = ParquetWriterOptions(),
    replacing: Bool = false
  ) throws {
    self.path = path
    self.schema = schema
    self.options = options
    (elements, leaves) = ParquetSchemaBuilder.build(schema)
    output = try ExchangeOutputFile(path: path, replacing: replacing)
    try output.write(Array("PAR1".utf8))
  }

  /// Appends the rows of `batch`.
  /// - Throws: `ExchangeError.schemaMismatch` when the batch's column names or types differ
  ///   from the writer's schema; `.ioError` when writing fails.
  public mutating func write(_ batch: RecordBatch) throws {
    precondition(!finished, "ParquetWriter.write after finish()")
    guard batch.schema.names == schema.names,
      zip(batch.schema.fields, schema.fields).allSatisfy({ $0.type == $1.type })
    else {
      throw ExchangeError(
        .schemaMismatch, "\(path): a batch has columns (\(batch.schema)) but the file has (\(schema))")
    }
    var start = 0
    while start < batch.rowCount {
      let take = min(batch.rowCount - start, options.rowGroupRows - pendingRows)
      let part = batch.slice(rows: start..<(start + take))
      pending.append(part)
      pendingRows += take
      pendingBytes += approximateBytes(part)
      start += take
      if pendingRows >= options.rowGroupRows || pendingBytes >= options.rowGroupBytes {
        try flushRowGroup()
      }
    }
  }

  /// Writes the buffered rows and the footer, and moves the file into place.
  /// - Throws: `ExchangeError.ioError` when writing, syncing or renaming fails.
  public mutating func finish() throws {
    precondition(!finished, "ParquetWriter.finish called twice")
    try flushRowGroup()
    let metadata = ParquetFileMetadata(
      version: 2, schema: elements, rowCount: Int64(rowCount), rowGroups: rowGroups,
      keyValues: [("ARROW:schema", Data(ArrowMetadata.schemaMessage(schema)).base64EncodedString())],
      createdBy: "Quiver")
    let footer = metadata.serialized()
    try output.write(footer)
    var length = UInt32(footer.count).littleEndian
    try output.write(withUnsafeBytes(of: &length) { Array($0) })
    try output.write(Array("PAR1".utf8))
    try output.commit()
    finished = true
  }

  /// Removes the partial file; the target is left as it was.
  public mutating func abandon() {
    output.abandon()
    finished = true
  }

  private func approximateBytes(_ batch: RecordBatch) -> Int {
    batch.columns.reduce(0) { total, column in
      total + (column.dataType.byteWidth.map { $0 * column.count } ?? column.count * 16)
    }
  }

  private mutating func flushRowGroup() throws {
    guard pendingRows > 0 else { return }
    let batch = try RecordBatch.concatenate(pending, schema: schema)
    pending.removeAll()
    var chunks: [ParquetColumnChunk] = []
    var totalBytes: Int64 = 0
    for (leaf, column) in zip(leaves, batch.columns) {
      let writer = ParquetColumnChunkWriter(leaf: leaf, options: options)
      let chunk = try writer.encode(column, fileOffset: output.size) { try output.write($0) }
      chunks.append(chunk)
      totalBytes += chunk.totalUncompressedSize
    }
    rowGroups.append(
      ParquetRowGroup(columns: chunks, totalByteSize: totalBytes, rowCount: Int64(batch.rowCount)))
    rowCount += batch.rowCount
    pendingRows = 0
    pendingBytes = 0
  }
}
