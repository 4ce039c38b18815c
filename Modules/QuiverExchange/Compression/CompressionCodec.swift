import QuiverFormat

/// A general-purpose compression codec for page or buffer bodies: the ones Parquet files use
/// (and Arrow IPC's zstd).
public enum CompressionCodec: Sendable, Hashable {
  /// No compression.
  case uncompressed
  /// Snappy (raw Snappy blocks, as Parquet's `SNAPPY`), through the system's libsnappy.
  case snappy
  /// gzip streams (RFC 1952, as Parquet's `GZIP`) at a zlib level 1…9, through the system's zlib.
  case gzip(level: Int32)
  /// zstd frames at a level (1…22), through the system's libzstd.
  case zstd(level: Int32)

  /// zstd at level 1, the level pyarrow writes by default.
  public static let zstd = CompressionCodec.zstd(level: 1)
  /// gzip at zlib's default level 6, as pyarrow writes by default.
  public static let gzip = CompressionCodec.gzip(level: 6)

  /// `input` compressed with this codec.
  func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
    switch self {
    case .uncompressed: return [UInt8](input)
    case .snappy: return Snappy.compress(input)
    case .gzip(let level): return try Gzip.compress(input, level: level)
    case .zstd(let level): return Zstd.compress(input, level: level)
    }
  }

  /// `input` decompressed to exactly `expectedLength` bytes.
  /// - Parameter context: the file and place, named in errors.
  /// - Throws: `ExchangeError.corruptFile` when the data does not decompress to that length.
  func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    switch self {
    case .uncompressed:
      guard input.count == expectedLength else {
        throw ExchangeError(
          .corruptFile,
          "\(context): \(input.count) stored bytes, but the header says \(expectedLength)")
      }
      return [UInt8](input)
    case .snappy:
      return try Snappy.decompress(input, expectedLength: expectedLength, context: context)
    case .gzip:
      return try Gzip.decompress(input, expectedLength: expectedLength, context: context)
    case .zstd:
      return try ZstdFrames.decompress(input, expectedLength: expectedLength, context: context)
    }
  }
}
