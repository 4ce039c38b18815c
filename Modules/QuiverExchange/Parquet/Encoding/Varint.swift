/// Unsigned LEB128 varints (at most 10 bytes for 64 bits) and their zigzag form, as Thrift's
/// compact protocol, the RLE / bit-packed hybrid's run headers and DELTA_BINARY_PACKED use them.
enum Varint {
  /// Why a varint could not be read; its description completes "a varint …" in messages.
  enum Problem: Error, CustomStringConvertible {
    /// The bytes end before the varint does.
    case truncated
    /// More than 10 bytes: not a 64-bit value.
    case tooLong

    var description: String {
      switch self {
      case .truncated: "runs past the end"
      case .tooLong: "is longer than 10 bytes"
      }
    }
  }

  /// The varint at `position` in `bytes` (stopping at `end`), advancing `position` past it.
  static func read(_ bytes: UnsafeRawBufferPointer, at position: inout Int, end: Int)
    throws(Problem) -> UInt64
  {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else { throw .truncated }
      let byte = bytes[position]
      position += 1
      result |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
      guard shift < 64 else { throw .tooLong }
    }
  }

  /// `raw` decoded from zigzag form.
  static func zigzag(_ raw: UInt64) -> Int64 {
    Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
  }
}
