import CZstd

/// One-shot zstd frames for page bodies (Docs/Format.md "Page descriptor", compression 1), also
/// used by QuiverExchange for Parquet pages and Arrow buffers.
package enum Zstd {
  /// Why zstd could not expand a buffer, for the caller to put into its own error type.
  package struct Failure: Error {
    /// What went wrong, without the file or place.
    package let message: String
  }

  /// `input` compressed at `level` as one frame that records its content size.
  package static func compress(_ input: UnsafeRawBufferPointer, level: Int32) -> [UInt8] {
    let bound = ZSTD_compressBound(input.count)
    var output = [UInt8](repeating: 0, count: bound)
    let written = output.withUnsafeMutableBytes { out in
      ZSTD_compress(out.baseAddress, bound, input.baseAddress, input.count, level)
    }
    precondition(ZSTD_isError(written) == 0, "zstd compression failed: \(String(cString: ZSTD_getErrorName(written)))")
    output.removeLast(bound - written)
    return output
  }

  /// `input` (one or more frames) expanded into exactly `expectedLength` bytes. The caller
  /// bounds `expectedLength` first: this allocates it.
  package static func decompress(_ input: UnsafeRawBufferPointer, expectedLength: Int)
    -> Result<[UInt8], Failure>
  {
    var output = [UInt8](repeating: 0, count: expectedLength)
    let produced = output.withUnsafeMutableBytes { out in
      ZSTD_decompress(out.baseAddress, expectedLength, input.baseAddress, input.count)
    }
    if ZSTD_isError(produced) != 0 {
      return .failure(Failure(message: "zstd: \(String(cString: ZSTD_getErrorName(produced)))"))
    }
    guard produced == expectedLength else {
      return .failure(Failure(message: "zstd produced \(produced) bytes, expected \(expectedLength)"))
    }
    return .success(output)
  }

  /// Decompresses one frame that must expand to exactly `expectedLength` bytes.
  /// - Throws: `FormatError.corruptFile` (naming `context`) for a bad frame or a length mismatch.
  static func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    let contentSize = ZSTD_getFrameContentSize(input.baseAddress, input.count)
    guard contentSize == UInt64(expectedLength) else {
      throw FormatError(
        .corruptFile, "\(context): zstd frame declares \(Int64(bitPattern: contentSize)) bytes, expected \(expectedLength)")
    }
    switch decompress(input, expectedLength: expectedLength) {
    case .success(let bytes): return bytes
    case .failure(let failure): throw FormatError(.corruptFile, "\(context): \(failure.message)")
    }
  }
}
