/// Reads little-endian values from bytes that came from storage, checking every length against
/// the bytes left: the one decoder of every binary structure Quiver reads. A short or
/// inconsistent input throws `StorageError` `.corruptData` whose message names `context` (the
/// file and the structure), what was being read and where; each module turns that into its own
/// error (`FormatError.corruptFile`, `TableError.corruptManifest`, `IndexError.corruptFile`).
///
/// The reader borrows `bytes`: use it only while they are alive (inside `withUnsafeBytes`).
package struct ByteReader {
  /// The bytes being read.
  package let bytes: UnsafeRawBufferPointer
  /// The offset of the next byte to read.
  package var position: Int
  /// Names the file and the structure in error messages ("data file 'x.qvf' footer").
  package let context: String

  /// A reader of `bytes` starting at `position`.
  package init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, context: String) {
    self.bytes = bytes
    self.position = position
    self.context = context
  }

  /// Bytes after `position`.
  package var remaining: Int { bytes.count - position }

  /// The error for an inconsistency found at the current position.
  package func corrupt(_ what: String) -> StorageError {
    StorageError(.corruptData, "\(context): \(what) (at byte \(position) of \(bytes.count))")
  }

  /// The next integer, little-endian; `what` names it in the error.
  package mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: String = "")
    throws(StorageError) -> T
  {
    let size = MemoryLayout<T>.size
    guard position >= 0, remaining >= size else {
      throw corrupt("ends inside \(what.isEmpty ? "a \(size)-byte integer" : what)")
    }
    let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
    position += size
    return T(littleEndian: value)
  }

  /// A `UInt32` count that must be at most `limit` (guards allocations sized by values read).
  package mutating func readCount(_ what: String, limit: Int) throws(StorageError) -> Int {
    let value = try read(UInt32.self, what)
    guard Int(value) <= limit else { throw corrupt("\(what) \(value) exceeds \(limit)") }
    return Int(value)
  }

  /// The next `count` bytes, borrowed from `bytes`.
  package mutating func readBytes(_ count: Int, _ what: String = "")
    throws(StorageError) -> UnsafeRawBufferPointer
  {
    guard count >= 0, position >= 0, remaining >= count else {
      let name = what.isEmpty ? "" : "\(what) "
      throw corrupt("\(name)needs \(count) bytes, \(max(remaining, 0)) left")
    }
    defer { position += count }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
  }

  /// The next `count` bytes, copied.
  package mutating func readArray(_ count: Int, _ what: String = "") throws(StorageError)
    -> [UInt8]
  {
    [UInt8](try readBytes(count, what))
  }

  /// Whether the next bytes are `magic`'s UTF-8; consumes them if so.
  package mutating func readMagic(_ magic: String) -> Bool {
    let expected = Array(magic.utf8)
    guard position >= 0, remaining >= expected.count,
      bytes[position..<(position + expected.count)].elementsEqual(expected)
    else { return false }
    position += expected.count
    return true
  }

  /// A `UInt32` length and that many bytes.
  package mutating func readLengthPrefixed(_ what: String = "") throws(StorageError) -> [UInt8] {
    let count = Int(try read(UInt32.self, what))
    guard count <= remaining else {
      throw corrupt("\(what.isEmpty ? "length" : "\(what) length") \(count) exceeds \(remaining)")
    }
    return try readArray(count, what)
  }

  /// A `UInt32` length and that many bytes of UTF-8.
  package mutating func readString(_ what: String = "") throws(StorageError) -> String {
    String(decoding: try readLengthPrefixed(what), as: UTF8.self)
  }

  /// A map written by `ByteWriter.write(map:)`; a repeated key is an error.
  package mutating func readMap() throws(StorageError) -> [String: String] {
    let count = try readCount("map entry count", limit: remaining / 8)
    var map: [String: String] = [:]
    for _ in 0..<count {
      let key = try readString()
      map[key] = try readString()
    }
    guard map.count == count else { throw corrupt("map repeats a key") }
    return map
  }

  /// `count` floats in the host's (little-endian) layout.
  package mutating func readFloats(_ count: Int, _ what: String) throws(StorageError) -> [Float] {
    try readValues(count, what)
  }

  /// `count` 64-bit words in the host's (little-endian) layout.
  package mutating func readWords(_ count: Int, _ what: String) throws(StorageError) -> [UInt64] {
    try readValues(count, what)
  }

  /// `count` fixed-width values copied as they lie (the host's little-endian layout).
  private mutating func readValues<Value: BitwiseCopyable>(_ count: Int, _ what: String)
    throws(StorageError) -> [Value]
  {
    let width = MemoryLayout<Value>.size
    guard count >= 0, count <= Int.max / width else {
      throw corrupt("\(what) count \(count) is invalid")
    }
    let raw = try readBytes(count * width, what)
    return [Value](unsafeUninitializedCapacity: count) { out, initialized in
      UnsafeMutableRawBufferPointer(out).copyMemory(from: raw)
      initialized = count
    }
  }

  /// Skips to the next multiple of `alignment` (the padding `ByteWriter.pad` wrote).
  package mutating func skip(toMultipleOf alignment: Int) {
    position += (alignment - position % alignment) % alignment
  }
}
