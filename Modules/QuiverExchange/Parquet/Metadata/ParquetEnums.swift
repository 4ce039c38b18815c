// The enumerations of parquet-format's parquet.thrift that this module reads and writes.

/// How a Parquet leaf column stores its values on disk.
enum ParquetPhysicalType: Int32, Sendable {
  case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6
  case fixedLengthByteArray = 7
}

/// Whether a schema node is required, optional or repeated.
enum ParquetRepetition: Int32, Sendable {
  case required = 0, optional = 1, repeated = 2
}

/// How a page's values (or levels) are encoded.
enum ParquetEncoding: Int32, Sendable {
  case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5
  case deltaLengthByteArray = 6, deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9
}

/// The kind of a page.
enum ParquetPageType: Int32, Sendable {
  case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}

/// The codec numbers of parquet.thrift's `CompressionCodec`.
enum ParquetCodec: Int32, Sendable {
  case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6
  case lz4Raw = 7

  /// The codec of a column chunk, or nil for one this module does not decode.
  var codec: CompressionCodec? {
    switch self {
    case .uncompressed: .uncompressed
    case .snappy: .snappy
    case .gzip: .gzip
    case .zstd: .zstd
    case .lzo, .brotli, .lz4, .lz4Raw: nil
    }
  }

  /// The parquet.thrift number of `codec`.
  init(_ codec: CompressionCodec) {
    switch codec {
    case .uncompressed: self = .uncompressed
    case .snappy: self = .snappy
    case .gzip: self = .gzip
    case .zstd: self = .zstd
    }
  }
}
