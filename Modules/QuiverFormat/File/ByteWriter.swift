/// Appends little-endian integers and length-prefixed strings to a byte array (footer and page
/// bodies; Docs/Format.md "Data files").
struct ByteWriter {
  /// The bytes written so far.
  var bytes: [UInt8] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  mutating func write<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func write(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

  mutating func write(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

  mutating func write(string: String) {
    let utf8 = Array(string.utf8)
    write(UInt32(utf8.count))
    write(utf8)
  }

  mutating func write(lengthPrefixed raw: [UInt8]) {
    write(UInt32(raw.count))
    write(raw)
  }

  mutating func write(map: [String: String]) {
    write(UInt32(map.count))
    for key in map.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
      write(string: key)
      write(string: map[key]!)
    }
  }

  mutating func writeZeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }
}
