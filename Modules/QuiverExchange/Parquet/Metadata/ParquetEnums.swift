// The enumerations of parquet-format's parquet.thrift that this module reads and writes.

/// How a Parquet leaf column stores its values on disk.
enum ParquetPhysicalType: Int32, Sendable {
  case boolean = 0
  case int32 = 1
  case int64 = 2
  case int96 = 3
  case float = 4
  case double = 5
  case byteArray = 6
  case fixedLengthByteArray = 7
}

/// Whether a schema node is required, optional or repeated.
enum ParquetRepetition: Int32, Sendable {
  case required = 0
  case optional = 1
  case repeated = 2
}

/// How a page's values (or levels) are encoded.
enum ParquetEncoding: Int32, Sendable {
  case plain = 0
  case plainDictionary = 2
  case rle = 3
  case bitPacked = 4
  case deltaBinaryPacked = 5
  case deltaLengthByteArray = 6
  case deltaByteArray = 7
  case rleDictionary = 8
  case byteStreamSplit = 9
}

/// The kind of a page.
enum ParquetPageType: Int32, Sendable {
  case dataPage = 0
  case indexPage = 1
  case dictionaryPage = 2
  case dataPageV2 = 3
}

/// The codec numbers of parquet.thrift's `CompressionCodec`.
enum ParquetCodec: Int32, Sendable {
  case uncompressed = 0
  case snappy = 1
  case gzip = 2
  case lzo = 3
  case brotli = 4
  case lz4 = 5
  case zstd = 6
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
