import CZstd

/// zstd frames through the system's libzstd (`ZSTD_compress`, `ZSTD_decompress`).
enum ZstdFrames {
  /// `input` as one zstd frame at `level`.
  static func compress(_ input: UnsafeRawBufferPointer, level: Int32) -> [UInt8] {
    let bound = ZSTD_compressBound(input.count)
    var output = [UInt8](repeating: 0, count: bound)
    let written = output.withUnsafeMutableBytes { out in
      ZSTD_compress(out.baseAddress, bound, input.baseAddress, input.count, level)
    }
    precondition(
      ZSTD_isError(written) == 0,
      "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
    output.removeLast(bound - written)
    return output
  }

  /// zstd frames that must expand to exactly `expectedLength` bytes.
  /// - Throws: `ExchangeError.corruptFile` naming `context`.
  static func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    var output = [UInt8](repeating: 0, count: expectedLength)
    let produced = output.withUnsafeMutableBytes { out in
      ZSTD_decompress(out.baseAddress, expectedLength, input.baseAddress, input.count)
    }
    if ZSTD_isError(produced) != 0 {
      throw ExchangeError(
        .corruptFile, "\(context): zstd: \(String(cString: ZSTD_getErrorName(produced)))")
    }
    guard produced == expectedLength else {
      throw ExchangeError(
        .corruptFile, "\(context): zstd produced \(produced) bytes, expected \(expectedLength)")
    }
    return output
  }
}
