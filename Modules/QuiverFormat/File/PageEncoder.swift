import QuiverStorage

/// A page body before compression, with what the footer records about it.
struct EncodedPage {
  var body: [UInt8]
  var encoding: PageEncoding
  var nullCount: Int
  var statistics: StatisticsBytes?
}

/// Turns a run of rows into a page body, choosing the smallest encoding that applies
/// (Docs/Format.md "Page body" and "What the writer chooses").
enum PageEncoder {
  static func encode(_ column: Column, statistics: Bool = true) -> EncodedPage {
    var body: [UInt8] = []
    return encode(column, statistics: statistics, reusing: &body)
  }

  /// Encodes into `body` (emptied first, capacity kept so a writer can reuse one buffer); the
  /// returned page's `body` is empty and the caller reads `body`.
  static func encode(_ column: Column, statistics: Bool, reusing body: inout [UInt8]) -> EncodedPage {
    body.removeAll(keepingCapacity: true)
    let nullCount = column.nullCount
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

      // Distinct values and each row's code in one pass, abandoned once the dictionary cannot
      // win. Small ranges index an array by `value - minimum`; others use a hash table.
      var codes = [UInt64](repeating: 0, count: count)
      var order: [T] = []
      var dictionaryUsable = frameWidth > 1
      let limit = min(DataFileLayout.maximumDictionaryCount, (min(plainSize, frameSize) - 4) / width)
      if dictionaryUsable && frameWidth <= 16 {
        var codeOf = [Int32](repeating: -1, count: Int(range) + 1)
        for index in 0..<count where !(hasNulls && column.isNull(index)) {
          let value = values[index]
          let key = Int(truncatingIfNeeded: UInt64(truncatingIfNeeded: value) &- referenceBits)
          var code = codeOf[key]
          if code < 0 {
            code = Int32(order.count)
            codeOf[key] = code
            order.append(value)
            if order.count > limit {
              dictionaryUsable = false
              break
            }
          }
          codes[index] = UInt64(code)
        }
      } else if dictionaryUsable {
        var table = IntegerDictionaryBuilder(expected: min(count, 1024))
        for index in 0..<count where !(hasNulls && column.isNull(index)) {
          let value = values[index]
          let code = table.code(UInt64(truncatingIfNeeded: value))
          if code == order.count {
            order.append(value)
            // After 1,024 rows, more than half of them distinct: no dictionary will win.
            if order.count > limit || (index >= 1024 && order.count * 2 > index) {
              dictionaryUsable = false
              break
            }
          }
          codes[index] = UInt64(code)
        }
      }
      if order.isEmpty { dictionaryUsable = false }
      let indexWidth = BitPacking.bitWidth(UInt64(max(order.count, 1) - 1))
      let dictionarySize =
        dictionaryUsable
        ? 4 + order.count * width + 1 + BitPacking.byteCount(count: count, bitWidth: indexWidth)
        : Int.max

      if dictionarySize < frameSize && dictionarySize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(UInt32(order.count)))
        order.withUnsafeBytes { body.append(contentsOf: $0) }
        body.append(UInt8(indexWidth))
        codes.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: indexWidth, into: &body) }
        return .dictionary
      }
      if frameSize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(referenceBits))
        body.append(UInt8(frameWidth))
        for index in 0..<count {
          codes[index] = hasNulls && column.isNull(index) ? 0 : UInt64(truncatingIfNeeded: values[index]) &- referenceBits
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
      let plainSize = 4 * count + dataLength

      var table = BytesDictionaryBuilder(expected: min(count, 1024))
      var codes = [UInt64](repeating: 0, count: count)
      var usable = count >= 2
      if usable {
        for row in 0..<count where !column.isNull(row) {
          let distinctBefore = table.values.count
          let code = table.code(bytes(row))
          if table.values.count > distinctBefore {
            if table.values.count > DataFileLayout.maximumDictionaryCount
              || (row >= 256 && table.values.count * 2 > row + 1)
              || 4 * table.values.count + table.byteCount >= plainSize
            {
              usable = false
              break
            }
          }
          codes[row] = UInt64(code)
        }
        if table.values.isEmpty { usable = false }
      }
      let order = table.values
      let indexWidth = BitPacking.bitWidth(UInt64(max(order.count, 1) - 1))
      let dictionarySize =
        usable
        ? 4 + 4 * order.count + table.byteCount + 1
          + BitPacking.byteCount(count: count, bitWidth: indexWidth)
        : Int.max
      if dictionarySize < plainSize {
        body.append(contentsOf: ByteWriterHelpers.littleEndian(UInt32(order.count)))
        appendLengthsAndData(order.count, { order[$0] }, into: &body)
        body.append(UInt8(indexWidth))
        codes.withUnsafeBufferPointer { BitPacking.pack($0, bitWidth: indexWidth, into: &body) }
        return .dictionary
      }
      if !column.hasNulls {
        // Lengths from the offsets, then one copy of the contiguous data.
        let base = column.offsets[column.start]
        let lengthsStart = body.count
        body.append(contentsOf: repeatElement(0, count: 4 * count))
        body.withUnsafeMutableBytes { out in
          column.offsets.withUnsafeBufferPointer { offsets in
            for index in 0..<count {
              let length = UInt32(offsets[column.start + index + 1] - offsets[column.start + index])
              out.storeBytes(of: length.littleEndian, toByteOffset: lengthsStart + 4 * index, as: UInt32.self)
            }
          }
        }
        let upper = Int(column.offsets[column.start + count])
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[Int(base)..<upper]))
        return .plain
      }
      appendLengthsAndData(count, bytes, into: &body)
      return .plain
    }
  }

  /// `u32 lengths[count]` then the concatenated bytes.
  private static func appendLengthsAndData(
    _ count: Int, _ item: (Int) -> UnsafeRawBufferPointer, into body: inout [UInt8]
  ) {
    var lengths = [UInt32](repeating: 0, count: count)
    var total = 0
    for index in 0..<count {
      let length = item(index).count
      total += length
      lengths[index] = UInt32(length).littleEndian
    }
    lengths.withUnsafeBytes { body.append(contentsOf: $0) }
    body.reserveCapacity(body.count + total)
    for index in 0..<count { body.append(contentsOf: item(index)) }
  }
}

enum ByteWriterHelpers {
  static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { [UInt8]($0) }
  }
}
