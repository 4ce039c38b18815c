import QuiverStorage

/// Turns a page body back into a column, checking every count and offset it reads
/// (Docs/Format.md "Page body"). Anything inconsistent throws `FormatError.corruptFile`.
enum PageDecoder {
  static func decode(_ body: [UInt8], page: PageMetadata, type: DataType, context: String) throws -> Column {
    let rows = page.rowCount
    func corrupt(_ what: String) -> FormatError { FormatError(.corruptFile, "\(context): \(what)") }
    let validityLength = page.validityLength
    guard body.count >= validityLength else { throw corrupt("body of \(body.count) bytes is shorter than its validity bitmap") }
    var validity: ValidityBitmap? = nil
    if page.nullCount > 0 {
      let bitmap = ValidityBitmap(bytes: Array(body[0..<((rows + 7) / 8)]), count: rows)
      guard bitmap.nullCount == page.nullCount else {
        throw corrupt("validity bitmap has \(bitmap.nullCount) nulls, the page index says \(page.nullCount)")
      }
      validity = bitmap
    }
    let valuesLength = body.count - validityLength
    switch (type, page.encoding) {
    case (.bool, .plain):
      guard valuesLength == (rows + 7) / 8 else { throw corrupt("bool page has \(valuesLength) value bytes for \(rows) rows") }
      let bits = ValidityBitmap(bytes: Array(body[validityLength...]), count: rows)
      let values = (0..<rows).map { UInt8(bits[$0] ? 1 : 0) }
      return Column(dataType: type, count: rows, values: values, validity: validity)

    case (.utf8, .plain), (.binary, .plain):
      return try body.withUnsafeBytes { raw in
        var reader = ByteReader(raw, position: validityLength, context: context)
        let dataStart = validityLength + 4 * rows
        let offsets = try readLengths(&reader, count: rows, base: dataStart)
        guard reader.remaining == Int(offsets.last!) - dataStart else {
          throw corrupt("string data is \(reader.remaining) bytes, the lengths add up to \(Int(offsets.last!) - dataStart)")
        }
        return Column(dataType: type, count: rows, values: body, offsets: offsets, validity: validity)
      }

    case (.utf8, .dictionary), (.binary, .dictionary):
      return try body.withUnsafeBytes { raw in
        var reader = ByteReader(raw, position: validityLength, context: context)
        let dictionaryCount = try reader.readCount("dictionary count", limit: reader.remaining / 4)
        guard dictionaryCount >= 1 else { throw corrupt("empty dictionary") }
        let dataStart = reader.position + 4 * dictionaryCount
        let offsets = try readLengths(&reader, count: dictionaryCount, base: dataStart)
        _ = try reader.readBytes(Int(offsets.last!) - dataStart)
        let indices = try readPacked(&reader, rows: rows, maximumWidth: 32, context: context)
        var lengths = 0
        var values: [UInt8] = []
        var rowOffsets: [Int64] = [0]
        rowOffsets.reserveCapacity(rows + 1)
        for row in 0..<rows {
          let index = indices.codes[row]
          guard index < UInt64(dictionaryCount) else { throw corrupt("dictionary index \(index) at row \(row) is not below \(dictionaryCount)") }
          if validity?[row] ?? true {
            let lower = Int(offsets[Int(index)])
            let upper = Int(offsets[Int(index) + 1])
            values.append(contentsOf: raw[lower..<upper])
            lengths += upper - lower
          }
          rowOffsets.append(Int64(lengths))
        }
        return Column(dataType: type, count: rows, values: values, offsets: rowOffsets, validity: validity)
      }

    case (_, .plain):
      guard let width = type.byteWidth, valuesLength == rows * width else {
        throw corrupt("\(type) page has \(valuesLength) value bytes for \(rows) rows")
      }
      let values = validityLength == 0 ? body : Array(body[validityLength...])
      return Column(dataType: type, count: rows, values: values, validity: validity)

    case (_, .dictionary) where type.isInteger:
      let width = type.byteWidth!
      return try body.withUnsafeBytes { raw in
        var reader = ByteReader(raw, position: validityLength, context: context)
        let dictionaryCount = try reader.readCount("dictionary count", limit: reader.remaining / width)
        guard dictionaryCount >= 1 else { throw corrupt("empty dictionary") }
        let dictionary = try reader.readBytes(dictionaryCount * width)
        let indices = try readPacked(&reader, rows: rows, maximumWidth: 32, context: context)
        var values = [UInt8](repeating: 0, count: rows * width)
        try values.withUnsafeMutableBytes { out in
          for row in 0..<rows {
            let index = Int(truncatingIfNeeded: indices.codes[row])
            guard indices.codes[row] < UInt64(dictionaryCount) else {
              throw corrupt("dictionary index \(indices.codes[row]) at row \(row) is not below \(dictionaryCount)")
            }
            (out.baseAddress! + row * width).copyMemory(from: dictionary.baseAddress! + index * width, byteCount: width)
          }
        }
        return Column(dataType: type, count: rows, values: values, validity: validity)
      }

    case (_, .frameOfReference) where type.isInteger:
      let width = type.byteWidth!
      return try body.withUnsafeBytes { raw in
        var reader = ByteReader(raw, position: validityLength, context: context)
        let reference = try reader.read(UInt64.self)
        let bitWidth = Int(try reader.read(UInt8.self))
        guard bitWidth <= width * 8 else { throw corrupt("bit width \(bitWidth) exceeds \(type)") }
        let packed = try reader.readBytes(BitPacking.byteCount(count: rows, bitWidth: bitWidth))
        guard reader.remaining == 0 else { throw corrupt("\(reader.remaining) bytes follow the packed values") }
        var values = [UInt8](repeating: 0, count: rows * width)
        values.withUnsafeMutableBytes { out in
          switch width {
          case 1: unpackFrame(packed, rows, bitWidth, reference, into: out, as: UInt8.self)
          case 2: unpackFrame(packed, rows, bitWidth, reference, into: out, as: UInt16.self)
          case 4: unpackFrame(packed, rows, bitWidth, reference, into: out, as: UInt32.self)
          default: unpackFrame(packed, rows, bitWidth, reference, into: out, as: UInt64.self)
          }
        }
        return Column(dataType: type, count: rows, values: values, validity: validity)
      }

    default:
      throw corrupt("encoding \(page.encoding) does not apply to \(type)")
    }
  }

  private static func unpackFrame<T: FixedWidthInteger>(
    _ packed: UnsafeRawBufferPointer, _ rows: Int, _ bitWidth: Int, _ reference: UInt64,
    into out: UnsafeMutableRawBufferPointer, as type: T.Type
  ) {
    let typed = out.bindMemory(to: T.self)
    BitPacking.unpack(packed, count: rows, bitWidth: bitWidth) { index, delta in
      typed[index] = T(truncatingIfNeeded: reference &+ delta)
    }
  }

  /// `count` little-endian u32 lengths, returned as `count + 1` offsets starting at `base` (so
  /// they index the whole body); the data they cover must follow in `reader`.
  private static func readLengths(_ reader: inout ByteReader, count: Int, base: Int) throws -> [Int64] {
    let raw = try reader.readBytes(4 * count)
    let available = Int64(reader.remaining)
    var offsets = [Int64](repeating: 0, count: count + 1)
    var total: Int64 = 0
    try offsets.withUnsafeMutableBufferPointer { out in
      out[0] = Int64(base)
      for index in 0..<count {
        total += Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
        if total > available {
          throw reader.corrupt("value lengths add up to more than the \(available) bytes that follow")
        }
        out[index + 1] = total + Int64(base)
      }
    }
    return offsets
  }

  /// A bit width byte and `rows` packed codes, which must end the body.
  private static func readPacked(
    _ reader: inout ByteReader, rows: Int, maximumWidth: Int, context: String
  ) throws -> (bitWidth: Int, codes: [UInt64]) {
    let bitWidth = Int(try reader.read(UInt8.self))
    guard bitWidth <= maximumWidth else { throw reader.corrupt("index bit width \(bitWidth) exceeds \(maximumWidth)") }
    let packed = try reader.readBytes(BitPacking.byteCount(count: rows, bitWidth: bitWidth))
    guard reader.remaining == 0 else { throw reader.corrupt("\(reader.remaining) bytes follow the packed indices") }
    var codes = [UInt64](repeating: 0, count: rows)
    codes.withUnsafeMutableBufferPointer { out in
      BitPacking.unpack(packed, count: rows, bitWidth: bitWidth) { out[$0] = $1 }
    }
    return (bitWidth, codes)
  }
}
