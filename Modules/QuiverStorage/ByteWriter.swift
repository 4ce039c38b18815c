/// Appends little-endian values to a byte array: the one encoder of every binary structure
/// Quiver writes (data-file headers and footers, manifests, deletion files, row-id maps, index
/// files; Docs/Format.md).
package struct ByteWriter {
  /// The bytes written so far.
  package var bytes: [UInt8] = []

  /// An empty writer with room for `capacity` bytes.
  package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// Appends an integer, little-endian.
  package mutating func write<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// Appends raw bytes.
  package mutating func write(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }

  /// Appends a byte array.
  package mutating func write(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

  /// Appends the UTF-8 bytes of a magic ("QVMF"), with no length.
  package mutating func write(magic: String) { bytes.append(contentsOf: magic.utf8) }

  /// Appends a `UInt32` byte length and the UTF-8 bytes of `string`.
  package mutating func write(string: String) { write(lengthPrefixed: Array(string.utf8)) }

  /// Appends a `UInt32` length and the bytes.
  package mutating func write(lengthPrefixed raw: [UInt8]) {
    write(UInt32(raw.count))
    write(raw)
  }

  /// Appends a `UInt32` entry count and each key and value as a string, keys in byte order.
  package mutating func write(map: [String: String]) {
    write(UInt32(map.count))
    for (key, value) in map.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
      write(string: key)
      write(string: value)
    }
  }

  /// Appends floats in the host's (little-endian) layout.
  package mutating func write(floats: [Float]) {
    precondition(UInt32(1).littleEndian == 1, "Quiver files are written on little-endian hosts")
    floats.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }

  /// Appends 64-bit words in the host's (little-endian) layout.
  package mutating func write(words: [UInt64]) {
    precondition(UInt32(1).littleEndian == 1, "Quiver files are written on little-endian hosts")
    words.withUnsafeBytes { bytes.append(contentsOf: $0) }
  }

  /// Appends `count` zero bytes.
  package mutating func writeZeros(_ count: Int) {
    bytes.append(contentsOf: repeatElement(0, count: count))
  }

  /// Appends zero bytes up to the next multiple of `alignment`.
  package mutating func pad(toMultipleOf alignment: Int) {
    writeZeros((alignment - bytes.count % alignment) % alignment)
  }
}
