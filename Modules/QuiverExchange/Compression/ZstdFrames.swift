import CZstd
import QuiverFormat

/// zstd frames of Parquet pages and Arrow buffers, through QuiverFormat's `Zstd` (the system's
/// libzstd), with the sizes a file declares checked before anything is allocated.
enum ZstdFrames {
  /// The most bytes one compressed byte of zstd can expand to: a block holds at most 128 KiB
  /// and takes at least 4 bytes (an RLE block: 3 header bytes and the repeated byte).
  static let maximumExpansion = 32_768

  /// zstd frames that must expand to exactly `expectedLength` bytes. The length is checked
  /// against what the frames can hold before anything is allocated: the content size the
  /// frame header records (a single frame), else zstd's largest expansion.
  /// - Throws: `ExchangeError.corruptFile` naming `context`.
  static func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
    let singleFrame = ZSTD_findFrameCompressedSize(input.baseAddress, input.count) == input.count
    // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR, the two largest values.
    if singleFrame, declared < UInt64.max - 1, declared != UInt64(expectedLength) {
      throw ExchangeError(
        .corruptFile,
        "\(context): the zstd frame holds \(declared) bytes, the header says \(expectedLength)")
    }
    guard expectedLength / maximumExpansion <= input.count else {
      throw ExchangeError(
        .corruptFile,
        "\(context): \(input.count) zstd bytes cannot expand to the \(expectedLength) the header says")
    }
    switch Zstd.decompress(input, expectedLength: expectedLength) {
    case .success(let bytes): return bytes
    case .failure(let failure): throw ExchangeError(.corruptFile, "\(context): \(failure.message)")
    }
  }
}
