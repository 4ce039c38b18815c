/// Reads little-endian values from bytes that came from disk, checking every length against the
/// bytes left; a short or inconsistent input throws `FormatError.corruptFile` naming `context`.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  private(set) var position: Int
  /// Names the file and the structure in error messages ("file 'x.qdf' footer").
  let context: String

  init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, context: String) {
    self.bytes = bytes
    self.position = position
    self.context = context
  }

  var remaining: Int { bytes.count - position }

  func corrupt(_ what: String) -> FormatError {
    FormatError(.corruptFile, "\(context): \(what) (at byte \(position) of \(bytes.count))")
  }

  mutating func read<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
    let size = MemoryLayout<T>.size
    guard remaining >= size else { throw corrupt("ends inside a \(size)-byte integer") }
    let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
    position += size
    return T(littleEndian: value)
  }

  /// A count that must be at most `limit` (guards allocations sized by values from disk).
  mutating func readCount(_ what: String, limit: Int) throws -> Int {
    let value = try read(UInt32.self)
    guard Int(value) <= limit else { throw corrupt("\(what) \(value) exceeds \(limit)") }
    return Int(value)
  }

  mutating func readBytes(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, remaining >= count else {
      throw corrupt("needs \(count) bytes, \(remaining) left")
    }
    defer { position += count }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
  }

  mutating func readLengthPrefixed() throws -> [UInt8] {
    let count = try readCount("length", limit: remaining)
    return try [UInt8](readBytes(count))
  }

  mutating func readString() throws -> String {
    String(decoding: try readLengthPrefixed(), as: UTF8.self)
  }

  mutating func readMap() throws -> [String: String] {
    let count = try readCount("map entry count", limit: remaining / 8)
    var map: [String: String] = [:]
    for _ in 0..<count {
      let key = try readString()
      map[key] = try readString()
    }
    guard map.count == count else { throw corrupt("map repeats a key") }
    return map
  }
}
