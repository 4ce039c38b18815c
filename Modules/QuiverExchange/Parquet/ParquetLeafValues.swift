/// The decoded content of one column chunk, before it becomes a Quiver column: the levels of
/// every slot and the values of the non-null ones.
struct ParquetLeafValues: Sendable {
  /// One definition level per slot (empty when the column has none).
  var definitionLevels: [UInt8] = []
  /// One repetition level per slot (empty when the column has none).
  var repetitionLevels: [UInt8] = []
  /// The number of slots (levels, or values when the column has no levels).
  var slotCount = 0
  /// Fixed-width: the non-null values at their physical width; byte arrays: their bytes.
  var bytes: [UInt8] = []
  /// Byte arrays: `valueCount + 1` offsets into `bytes`; unused otherwise.
  var offsets: [Int64] = [0]
  /// The number of non-null values decoded.
  var valueCount = 0

  /// Appends `count` byte arrays from their PLAIN encoding (4-byte little-endian length, then
  /// the bytes), returning the bytes consumed.
  mutating func appendPlainByteArrays(
    _ data: UnsafeRawBufferPointer, count: Int, context: String
  ) throws -> Int {
    var position = 0
    for index in 0..<count {
      guard data.count - position >= 4 else {
        throw ExchangeError(.corruptFile, "\(context): byte array \(index) of \(count) is cut off")
      }
      let length = Int(data.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
      position += 4
      guard data.count - position >= length else {
        throw ExchangeError(
          .corruptFile, "\(context): byte array \(index) of \(length) bytes runs past the page")
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[position..<(position + length)]))
      offsets.append(Int64(bytes.count))
      position += length
    }
    valueCount += count
    return position
  }

  /// The bytes of byte array `index`.
  func byteArray(_ index: Int) -> ArraySlice<UInt8> {
    bytes[Int(offsets[index])..<Int(offsets[index + 1])]
  }
}
