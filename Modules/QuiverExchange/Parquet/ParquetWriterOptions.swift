/// How `ParquetWriter` lays out and compresses a file. The defaults follow pyarrow's.
public struct ParquetWriterOptions: Sendable, Hashable {
  /// The codec of every page (default zstd level 1, as pyarrow's `compression="zstd"`).
  public var compression: CompressionCodec
  /// The most rows in one row group (default 1 Mi rows, pyarrow's default).
  public var rowGroupRows: Int
  /// A row group is also cut once its rows hold this many bytes in memory (default 256 MiB),
  /// which bounds the writer's memory.
  public var rowGroupBytes: Int
  /// The target size of one data page's values (default 1 MiB).
  public var dataPageBytes: Int
  /// Whether scalar columns with few distinct values get a dictionary page (default true).
  public var dictionary: Bool

  /// Creates options.
  public init(
    compression: CompressionCodec = .zstd, rowGroupRows: Int = 1 << 20,
    rowGroupBytes: Int = 256 << 20, dataPageBytes: Int = 1 << 20, dictionary: Bool = true
  ) {
    self.compression = compression
    self.rowGroupRows = max(1, rowGroupRows)
    self.rowGroupBytes = max(1, rowGroupBytes)
    self.dataPageBytes = max(1, dataPageBytes)
    self.dictionary = dictionary
  }
}
