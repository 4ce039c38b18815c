/// A page body before compression, with what the footer records about it.
struct EncodedPage {
  var body: [UInt8]
  var encoding: PageEncoding
  var nullCount: Int
  var statistics: StatisticsBytes?
}

/// Hashable view of bytes inside a buffer that outlives the dictionary using it.
struct ByteKey: Hashable {
  let bytes: UnsafeRawBufferPointer
  static func == (lhs: ByteKey, rhs: ByteKey) -> Bool { lhs.bytes.elementsEqual(rhs.bytes) }
  func hash(into hasher: inout Hasher) { hasher.combine(bytes: bytes) }
}

/// Turns a run of rows into a page body, choosing the smallest encoding that applies
/// (Docs/Format.md "Page body" and "What the writer chooses").
enum PageEncoder {
  static func encode(_ column: Column, statistics: Bool = true) -> EncodedPage {
    let nullCount = column.nullCount
    var body: [UInt8] = []
    if nullCount > 0 {
      let bitmap = column.validityBitmap!.bytes
      body.reserveCapacity(ValidityLayout.paddedLength(rows: column.count) + (column.dataType.byteWidth ?? 8) * column.count)
      body.append(contentsOf: bitmap)
      body.append(contentsOf: repeatElement(0, count: ValidityLayout.paddedLength(rows: column.count) - bitmap.count))
    }
    let encoding: PageEncoding
    switch column.dataType {
    case .int8: encoding = encodeInteger(column, Int8.self, into: &body)
    case .int16: encoding = encodeInteger(column, Int16.self, into: &body)
    case .int32, .date: encoding = encodeInteger(column, Int32.self, into: &body)
    case .int64, .timestamp: encoding = encodeInteger(column, Int64.self, into: &body)
    case .uint8: encoding = encodeInteger(column, UInt8.self, into: &body)
    case .uint16: encoding = encodeInteger(column, UInt16.self, into: &body)
    case .uint32: encoding = encodeInteger(column, UInt32.self, into: &body)
    case .uint64: encoding = encodeInteger(column, UInt64.self, into: &body)
    case .bool:
      encoding = .plain
      var bits = ValidityBitmap(count: column.count, allValid: false)
      column.withUnsafeValues(as: UInt8.self) { values in
        for index in 0..<values.count where values[index] != 0 && !column.isNull(index) { bits[index] = true }
      }
      body.append(contentsOf: bits.bytes)
    case .float16, .float32, .float64, .fixedSizeList:
      encoding = .plain
      appendPlainFixed(column, into: &body)
    case .utf8, .binary:
      encoding = encodeVariable(column, into: &body)
    }
    return EncodedPage(
      body: body, encoding: encoding, nullCount: nullCount,
      statistics: statistics ? PageStatisticsCodec.compute(column) : nil)
  }

  /// Plain fixed-width values; null slots are written as zeros.
  static func appendPlainFixed(_ column: Column, into body: inout [UInt8]) {
    let width = column.dataType.byteWidth!
    let base = body.count
    column.withUnsafeBytes { body.append(contentsOf: $0) }
    if column.hasNulls {
      body.withUnsafeMutableBytes { raw in
        for row in 0..<column.count where column.isNull(row) {
          (raw.baseAddress! + base + row * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
        }
      }
    }
  }

  private static func encodeInteger<T: FixedWidthInteger & BitwiseCopyable>(
    _ column: Column, _ type: T.Type, into body: inout [UInt8]
  ) -> PageEncoding {
    let count = column.count
    let width = MemoryLayout<T>.size
    let hasNulls = column.hasNulls
    return column.withUnsafeValues(as: T.self) { values -> PageEncoding in
      // Min and max of the valid values (nulls take the minimum's code).
      var minimum: T? = nil
      var maximum = T.min
      for index in 0..<count where !(hasNulls && column.isNull(index)) {
        let value = values[index]
        if minimum == nil || value < minimum! { minimum = value }
        if value > maximum { maximum = value }
      }
      let reference = minimum ?? 0
      if minimum == nil { maximum = 0 }
      let referenceBits = UInt64(truncatingIfNeeded: reference)
      let range = UInt64(truncatingIfNeeded: maximum) &- referenceBits
      let frameWidth = BitPacking.bitWidth(range)
      let plainSize = count * width
      let frameSize = 9 + BitPacking.byteCount(count: count, bitWidth: frameWidth)

      // Distinct values, abandoned once the dictionary cannot win.
      var dictionary: [T: UInt64] = [:]
      var order: [T] = []
      var dictionaryUsable = frameWidth > 1
      if dictionaryUsable {
        for index in 0..<count where !(hasNulls && column.isNull(index)) {
          let value = values[index]
          if dictionary[value] == nil {
            dictionary[value] = UInt64(order.count)
            order.append(value)
            if order.count > DataFileLayout.maximumDictionaryCount
              || 4 + order.count * width >= min(plainSize, frameSize)
            {
              dictionaryUsable = false
              break
            }
          }
        }
        if order.isEmpty { dictionaryUsable = false }
      }
      let indexWidth = BitPacking.bitWidth(UInt64(max(order.count, 1) - 1))
      let dictionarySize =
        dictionaryUsable
        ? 4 + order.count * width + 1 + BitPacking.byteCount(count: count, bitWidth: indexWidth)
        : Int.max

      var codes = [UInt64](repeating: 0, count: count)
      if dictionarySize < frameSize && dictionarySize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(UInt32(order.count)))
        order.withUnsafeBytes { body.append(contentsOf: $0) }
        body.append(UInt8(indexWidth))
        for index in 0..<count where !(hasNulls && column.isNull(index)) {
          codes[index] = dictionary[values[index]]!
        }
        codes.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: indexWidth, into: &body) }
        return .dictionary
      }
      if frameSize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(referenceBits))
        body.append(UInt8(frameWidth))
        for index in 0..<count where !(hasNulls && column.isNull(index)) {
          codes[index] = UInt64(truncatingIfNeeded: values[index]) &- referenceBits
        }
        codes.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: frameWidth, into: &body) }
        return .frameOfReference
      }
      appendPlainFixed(column, into: &body)
      return .plain
    }
  }

  private static func encodeVariable(_ column: Column, into body: inout [UInt8]) -> PageEncoding {
    let count = column.count
    return column.values.withUnsafeBytes { raw -> PageEncoding in
      func bytes(_ row: Int) -> UnsafeRawBufferPointer {
        if column.isNull(row) { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let lower = Int(column.offsets[column.start + row])
        let upper = Int(column.offsets[column.start + row + 1])
        return UnsafeRawBufferPointer(rebasing: raw[lower..<upper])
      }
      var dataLength = 0
      for row in 0..<count { dataLength += bytes(row).count }
      let plainSize = 4 * (count + 1) + dataLength

      var dictionary: [ByteKey: UInt64] = [:]
      var order: [UnsafeRawBufferPointer] = []
      var dictionaryData = 0
      var usable = count >= 2
      if usable {
        for row in 0..<count where !column.isNull(row) {
          let key = ByteKey(bytes: bytes(row))
          if dictionary[key] == nil {
            dictionary[key] = UInt64(order.count)
            order.append(key.bytes)
            dictionaryData += key.bytes.count
            if order.count > DataFileLayout.maximumDictionaryCount
              || (row >= 256 && order.count * 2 > row + 1)
              || 4 * order.count + dictionaryData >= plainSize
            {
              usable = false
              break
            }
          }
        }
        if order.isEmpty { usable = false }
      }
      let indexWidth = BitPacking.bitWidth(UInt64(max(order.count, 1) - 1))
      let dictionarySize =
        usable
        ? 4 + 4 * (order.count + 1) + dictionaryData + 1
          + BitPacking.byteCount(count: count, bitWidth: indexWidth)
        : Int.max
      if dictionarySize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(UInt32(order.count)))
        appendOffsetsAndData(order.count, { order[$0] }, into: &body)
        body.append(UInt8(indexWidth))
        var codes = [UInt64](repeating: 0, count: count)
        for row in 0..<count where !column.isNull(row) {
          codes[row] = dictionary[ByteKey(bytes: bytes(row))]!
        }
        codes.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: indexWidth, into: &body) }
        return .dictionary
      }
      appendOffsetsAndData(count, bytes, into: &body)
      return .plain
    }
  }

  /// `u32 offsets[count + 1]` then the concatenated bytes.
  private static func appendOffsetsAndData(
    _ count: Int, _ item: (Int) -> UnsafeRawBufferPointer, into body: inout [UInt8]
  ) {
    let offsetsStart = body.count
    body.append(contentsOf: repeatElement(0, count: 4 * (count + 1)))
    var total: UInt32 = 0
    for index in 0..<count {
      let value = item(index)
      body.append(contentsOf: value)
      total += UInt32(value.count)
      body.withUnsafeMutableBytes {
        $0.storeBytes(of: total.littleEndian, toByteOffset: offsetsStart + 4 * (index + 1), as: UInt32.self)
      }
    }
  }
}

enum ByteWriterHelpers {
  static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { [UInt8]($0) }
  }
}
