/// Little-endian byte building for the small binary files of a table (manifest frame, deletion
/// files, row-id maps).
struct ByteWriter {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

  mutating func write(_ value: UInt8) { bytes.append(value) }
  mutating func write(_ value: UInt16) { append(value) }
  mutating func write(_ value: UInt32) { append(value) }
  mutating func write(_ value: UInt64) { append(value) }
  mutating func write(_ other: [UInt8]) { bytes.append(contentsOf: other) }
  mutating func write(magic: StaticString) {
    magic.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  private mutating func append<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }
}

/// Little-endian reading with every length checked against what is there; `nil` past the end.
struct ByteReader {
  let bytes: [UInt8]
  private(set) var offset: Int
  /// Reading stops here (the end of the bytes unless given).
  let end: Int

  init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
    self.bytes = bytes
    self.offset = offset
    self.end = end ?? bytes.count
  }

  var remaining: Int { end - offset }

  mutating func readUInt8() -> UInt8? { read(UInt8.self) }
  mutating func readUInt16() -> UInt16? { read(UInt16.self) }
  mutating func readUInt32() -> UInt32? { read(UInt32.self) }
  mutating func readUInt64() -> UInt64? { read(UInt64.self) }

  mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
    guard count >= 0, count <= remaining else { return nil }
    defer { offset += count }
    return bytes[offset..<(offset + count)]
  }

  /// Whether the next bytes equal `magic`; consumes them if so.
  mutating func readMagic(_ magic: StaticString) -> Bool {
    let expected = magic.withUTF8Buffer { Array($0) }
    guard let found = readBytes(expected.count) else { return false }
    return Array(found) == expected
  }

  private mutating func read<T: FixedWidthInteger>(_ type: T.Type) -> T? {
    let size = MemoryLayout<T>.size
    guard size <= remaining else { return nil }
    var value: T = 0
    for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
    offset += size
    return value
  }
}
