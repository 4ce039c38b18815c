import Foundation

/// How a `DataFileWriter` cuts, encodes and compresses pages.
public struct DataFileWriterOptions: Sendable, Hashable {
  /// Target bytes of plain values per page (a page always holds at least one row). Default 1 MiB.
  public var pageSize: Int
  /// zstd level for pages that compress (1 fastest … 19 smallest); nil stores every page
  /// uncompressed. Default 1: with the plain / dictionary / frame-of-reference encodings below it,
  /// it is already smaller than Parquet + zstd on text and writes as fast (Docs/Benchmarks.md);
  /// 3 saves another ~10 % on text at ~35 % lower write throughput.
  public var compressionLevel: Int32?
  /// Vector (fixed-size list) columns that are zstd-compressed too; by default vector pages stay
  /// uncompressed (with a row-checksum table) so `take` reads and verifies only the ~4 KiB row
  /// groups holding the requested rows, not whole pages.
  public var compressedVectorColumns: Set<String>
  /// Whether to record min / max statistics per page. Default true.
  public var writeStatistics: Bool
  /// Whether an existing file at the URL is replaced (otherwise creating the writer fails).
  public var overwrite: Bool
  /// Whether `finish()` calls `fsync` before returning. Default true.
  public var synchronizeOnFinish: Bool
  /// Threads that encode and compress the pages completed by one `write` (pages are still
  /// written in order). Default: the number of active processors.
  public var encodingConcurrency: Int

  /// Creates options; every parameter has the default described on its property.
  public init(
    pageSize: Int = 1 << 20, compressionLevel: Int32? = 1,
    compressedVectorColumns: Set<String> = [], writeStatistics: Bool = true,
    overwrite: Bool = false, synchronizeOnFinish: Bool = true,
    encodingConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    self.encodingConcurrency = encodingConcurrency
    self.pageSize = pageSize
    self.compressionLevel = compressionLevel
    self.compressedVectorColumns = compressedVectorColumns
    self.writeStatistics = writeStatistics
    self.overwrite = overwrite
    self.synchronizeOnFinish = synchronizeOnFinish
  }
}

/// What a finished data file holds, per column.
public struct ColumnWriteStatistics: Sendable, Hashable {
  /// The column name.
  public var name: String
  /// The column type.
  public var type: DataType
  /// Pages written.
  public var pageCount: Int
  /// Null rows.
  public var nullCount: Int
  /// Bytes of the values in plain form (fixed-width: rows × width; utf8 / binary: data bytes
  /// plus 4 bytes of offset per row), the "decoded size".
  public var rawBytes: Int
  /// Bytes of the column's pages on disk.
  public var encodedBytes: Int
  /// How many pages used each encoding.
  public var pagesPerEncoding: [PageEncoding: Int]
  /// How many pages are zstd-compressed.
  public var compressedPages: Int
}

/// What `DataFileWriter.finish()` reports.
public struct DataFileStatistics: Sendable, Hashable {
  /// The file's path.
  public var path: String
  /// Rows written.
  public var rowCount: Int
  /// Bytes of the whole file.
  public var fileBytes: Int
  /// Per column, in schema order.
  public var columns: [ColumnWriteStatistics]
}
