import CZlib

/// gzip streams (RFC 1952) through the system's zlib (`deflate`, `inflate`).
enum Gzip {
  /// `input` as one gzip stream at zlib `level`.
  /// - Throws: `ExchangeError.unsupportedFeature` when zlib rejects the level.
  static func compress(_ input: UnsafeRawBufferPointer, level: Int32) throws -> [UInt8] {
    var stream = z_stream()
    // windowBits 15 + 16 asks zlib for a gzip header and trailer.
    guard
      deflateInit2_(
        &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
        Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else {
      throw ExchangeError(.unsupportedFeature, "gzip: zlib rejects compression level \(level)")
    }
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, uLong(input.count)))
    let deflated = finish(&stream, input, capacity: bound, deflate)
    precondition(deflated.status == Z_STREAM_END, "zlib deflate did not finish within its bound")
    return Array(deflated.output.prefix(Int(stream.total_out)))
  }

  /// The most bytes one byte of a deflate stream can expand to.
  static let maximumExpansion = 1_032

  /// One gzip (or zlib) stream that must expand to exactly `expectedLength` bytes.
  /// - Throws: `ExchangeError.corruptFile` naming `context`.
  static func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    var stream = z_stream()
    // windowBits 15 + 32 accepts both gzip and zlib headers.
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else {
      throw ExchangeError(.ioError, "\(context): zlib could not start inflating")
    }
    defer { inflateEnd(&stream) }
    // Checked before allocating: a 258-byte match costs deflate at least 2 bits.
    guard expectedLength / maximumExpansion <= input.count else {
      throw ExchangeError(
        .corruptFile,
        "\(context): \(input.count) gzip bytes cannot expand to the \(expectedLength) the header says")
    }
    let (output, status) = finish(&stream, input, capacity: expectedLength, inflate)
    guard status == Z_STREAM_END, Int(stream.total_out) == expectedLength else {
      throw ExchangeError(
        .corruptFile, "\(context): the gzip stream does not expand to \(expectedLength) bytes")
    }
    return output
  }

  /// Runs `step` (`deflate` or `inflate`) once with `Z_FINISH`, from all of `input` into a new
  /// buffer of `capacity` bytes; returns the buffer and zlib's status.
  private static func finish(
    _ stream: inout z_stream, _ input: UnsafeRawBufferPointer, capacity: Int,
    _ step: (UnsafeMutablePointer<z_stream>?, Int32) -> Int32
  ) -> (output: [UInt8], status: Int32) {
    var output = [UInt8](repeating: 0, count: capacity)
    let status = output.withUnsafeMutableBytes { out -> Int32 in
      stream.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(input.count)
      stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
      stream.avail_out = uInt(capacity)
      return step(&stream, Z_FINISH)
    }
    return (output, status)
  }
}
