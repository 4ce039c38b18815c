import CSnappy

/// Raw Snappy blocks through the system's libsnappy (`snappy_compress`, `snappy_uncompress`).
enum Snappy {
  /// `input` as one Snappy block.
  static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
    var length = snappy_max_compressed_length(input.count)
    var output = [UInt8](repeating: 0, count: length)
    let status = output.withUnsafeMutableBytes { out in
      snappy_compress(
        input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count,
        out.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
    }
    precondition(status == SNAPPY_OK, "snappy_compress failed with status \(status)")
    output.removeLast(output.count - length)
    return output
  }

  /// One Snappy block that must expand to exactly `expectedLength` bytes.
  /// - Throws: `ExchangeError.corruptFile` naming `context`.
  static func decompress(
    _ input: UnsafeRawBufferPointer, expectedLength: Int, context: String
  ) throws -> [UInt8] {
    let source = input.baseAddress?.assumingMemoryBound(to: CChar.self)
    var declared = 0
    guard snappy_uncompressed_length(source, input.count, &declared) == SNAPPY_OK,
      declared == expectedLength
    else {
      throw ExchangeError(
        .corruptFile, "\(context): the snappy block does not expand to \(expectedLength) bytes")
    }
    var output = [UInt8](repeating: 0, count: expectedLength)
    var length = expectedLength
    let status = output.withUnsafeMutableBytes { out in
      snappy_uncompress(source, input.count, out.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
    }
    guard status == SNAPPY_OK, length == expectedLength else {
      throw ExchangeError(.corruptFile, "\(context): the snappy block is corrupt")
    }
    return output
  }
}
