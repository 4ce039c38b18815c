#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The fast path for the commonest text value: a float32 vector written `[a, b, c]`. Parses the
/// elements in place with `strtof` (correctly rounded, the C locale) instead of splitting the
/// text into substrings; anything unusual makes it give up, and the caller's general path
/// reports the precise problem.
enum FloatListParser {
  /// Appends the little-endian float32 bytes of the `dimension` elements of `text` to `bytes`.
  /// - Returns: false (with `bytes` unchanged) when `text` is not exactly such a list.
  static func appendFloat32List(_ text: String, dimension: Int, to bytes: inout [UInt8]) -> Bool {
    var text = text
    return text.withUTF8 { utf8 -> Bool in
      // `strtof` needs a terminating NUL; the copy is one small buffer per value.
      var buffer = [CChar](repeating: 0, count: utf8.count + 1)
      for index in 0..<utf8.count { buffer[index] = CChar(bitPattern: utf8[index]) }
      return buffer.withUnsafeMutableBufferPointer { chars -> Bool in
        let base = chars.baseAddress!
        var position = 0
        func skipSpaces() {
          while position < utf8.count, utf8[position] == 0x20 || utf8[position] == 0x09 {
            position += 1
          }
        }
        skipSpaces()
        guard position < utf8.count, utf8[position] == UInt8(ascii: "[") else { return false }
        position += 1
        let start = bytes.count
        for element in 0..<dimension {
          var end: UnsafeMutablePointer<CChar>? = nil
          let value = strtof(base + position, &end)
          // Non-finite values (an overflowing numeral, inf, nan) take the general path.
          guard let end, end != base + position, value.isFinite else {
            bytes.removeSubrange(start...)
            return false
          }
          position = end - base
          skipSpaces()
          let separator: UInt8 = element + 1 < dimension ? UInt8(ascii: ",") : UInt8(ascii: "]")
          guard position < utf8.count, utf8[position] == separator else {
            bytes.removeSubrange(start...)
            return false
          }
          position += 1
          let bits = value.bitPattern
          bytes.append(UInt8(truncatingIfNeeded: bits))
          bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
          bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
          bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        skipSpaces()
        guard position == utf8.count else {
          bytes.removeSubrange(start...)
          return false
        }
        return true
      }
    }
  }
}
