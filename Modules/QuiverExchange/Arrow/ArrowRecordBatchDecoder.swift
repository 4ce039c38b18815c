import QuiverFormat

/// Turns a record batch message (Message.fbs `RecordBatch`: field nodes, buffers, optional
/// body compression) into Quiver columns, checking every buffer against the body.
struct ArrowRecordBatchDecoder {
  let fields: [ArrowField]
  let schema: Schema
  /// "FILE: record batch N", for messages.
  let context: String

  private var nodes: (start: Int, count: Int) = (0, 0)
  private var buffers: (start: Int, count: Int) = (0, 0)
  private var nextNode = 0
  private var nextBuffer = 0
  private var codec: CompressionCodec?
  private let header: FlatbufferTable
  private let body: [UInt8]

  init(fields: [ArrowField], schema: Schema, header: FlatbufferTable, body: [UInt8], context: String) throws {
    self.fields = fields
    self.schema = schema
    self.header = header
    self.body = body
    self.context = context
    nodes = try header.vector(1, elementSize: 16)
    buffers = try header.vector(2, elementSize: 16)
    if let compression = try header.table(3) {
      switch try compression.integer(0, Int8.self) {
      case 1: codec = .zstd
      default:
        throw ExchangeError(.unsupportedFeature, "\(context): LZ4-compressed bodies are not supported; write zstd or uncompressed")
      }
    }
  }

  private func corrupt(_ problem: String) -> ExchangeError {
    ExchangeError(.corruptFile, "\(context): \(problem)")
  }

  /// The batch's row count.
  func length() throws -> Int {
    let length = try header.integer(0, Int64.self)
    guard length >= 0, length <= Int64(body.count) * 8 + Int64(Int32.max) else {
      throw corrupt("length \(length)")
    }
    return Int(length)
  }

  private mutating func node() throws -> (length: Int, nullCount: Int) {
    guard nextNode < nodes.count else { throw corrupt("fewer field nodes than fields") }
    let values = header.int64Struct(at: nodes.start, index: nextNode, fields: 2)
    nextNode += 1
    guard values[0] >= 0, values[1] >= 0, values[1] <= values[0], values[0] <= Int64(Int32.max) * 64 else {
      throw corrupt("field node \(nextNode - 1) has length \(values[0]) and \(values[1]) nulls")
    }
    return (Int(values[0]), Int(values[1]))
  }

  /// The next buffer's bytes, decompressed.
  private mutating func buffer() throws -> [UInt8] {
    guard nextBuffer < buffers.count else { throw corrupt("fewer buffers than the fields need") }
    let values = header.int64Struct(at: buffers.start, index: nextBuffer, fields: 2)
    nextBuffer += 1
    let (offset, length) = (values[0], values[1])
    guard offset >= 0, length >= 0, offset <= Int64(body.count), length <= Int64(body.count) - offset else {
      throw corrupt("buffer \(nextBuffer - 1) at \(offset) of \(length) bytes lies outside the \(body.count)-byte body")
    }
    let raw = body[Int(offset)..<Int(offset + length)]
    guard let codec, length > 0 else { return Array(raw) }
    guard length >= 8 else { throw corrupt("compressed buffer \(nextBuffer - 1) has no length prefix") }
    let uncompressed = raw.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
    if uncompressed == -1 { return Array(raw.dropFirst(8)) }
    guard uncompressed >= 0, uncompressed <= Int64(Int32.max) else {
      throw corrupt("compressed buffer \(nextBuffer - 1) claims \(uncompressed) bytes")
    }
    return try raw.dropFirst(8).withUnsafeBytes {
      try codec.decompress($0, expectedLength: Int(uncompressed), context: "\(context), buffer \(nextBuffer - 1)")
    }
  }

  private func validity(_ bytes: [UInt8], length: Int, nullCount: Int, column: String) throws -> ValidityBitmap? {
    guard nullCount > 0 else { return nil }
    guard bytes.count * 8 >= length else { throw corrupt("column '\(column)': the validity bitmap is too short") }
    return ValidityBitmap(bytes: Array(bytes[0..<((length + 7) / 8)]), count: length)
  }

  /// The columns of the batch, in schema order.
  mutating func columns() throws -> [Column] {
    let rows = try length()
    var columns: [Column] = []
    for (field, target) in zip(fields, schema.fields) {
      let (length, nullCount) = try node()
      guard length == rows else {
        throw corrupt("column '\(field.name)' has \(length) rows, the batch \(rows)")
      }
      let validity = try validity(buffer(), length: length, nullCount: nullCount, column: field.name)
      if case .fixedSizeList(let element, let dimension) = target.type {
        columns.append(
          try vectors(field, element: element, dimension: dimension, length: length, validity: validity))
      } else {
        columns.append(try scalar(field, type: target.type, length: length, validity: validity))
      }
    }
    return columns
  }

  private mutating func scalar(
    _ field: ArrowField, type: DataType, length: Int, validity: ValidityBitmap?
  ) throws -> Column {
    switch field.type {
    case .bool:
      let bits = try buffer()
      guard bits.count * 8 >= length else { throw corrupt("column '\(field.name)': too few bits") }
      let bytes = (0..<length).map { (bits[$0 >> 3] >> UInt8($0 & 7)) & 1 }
      return Column(dataType: .bool, count: length, values: bytes, validity: validity)
    case .utf8, .binary, .largeUtf8, .largeBinary:
      let large = field.type == .largeUtf8 || field.type == .largeBinary
      let offsetBytes = try buffer()
      let data = try buffer()
      let width = large ? 8 : 4
      guard offsetBytes.count >= (length + 1) * width else {
        throw corrupt("column '\(field.name)': too few offsets")
      }
      var offsets = [Int64](repeating: 0, count: length + 1)
      offsetBytes.withUnsafeBytes { raw in
        for index in 0...length {
          offsets[index] =
            large
            ? Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
            : Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
        }
      }
      let base = offsets[0]
      for index in 0..<length where offsets[index + 1] < offsets[index] {
        throw corrupt("column '\(field.name)': offsets decrease at row \(index)")
      }
      guard base >= 0, offsets[length] <= Int64(data.count) else {
        throw corrupt("column '\(field.name)': offsets run past the data")
      }
      return Column(
        dataType: type, count: length, values: Array(data[Int(base)..<Int(offsets[length])]),
        offsets: offsets.map { $0 - base }, validity: validity)
    case .fixedSizeBinary(let width):
      let data = try buffer()
      guard width >= 0, data.count >= length * Int(width) else {
        throw corrupt("column '\(field.name)': too few bytes")
      }
      return Column(
        dataType: .binary, count: length, values: Array(data[0..<(length * Int(width))]),
        offsets: (0...length).map { Int64($0 * Int(width)) }, validity: validity)
    default:
      let data = try buffer()
      let width = try fixedWidth(field)
      guard data.count >= length * width else {
        throw corrupt("column '\(field.name)': \(data.count) bytes for \(length) values of \(width) bytes")
      }
      var values = Array(data[0..<(length * width)])
      try rescale(field, &values, width: width)
      guard values.count == length * (type.byteWidth ?? 0) else {
        throw corrupt("column '\(field.name)': its Arrow type does not match its width")
      }
      return Column(dataType: type, count: length, values: values, validity: validity)
    }
  }

  private func fixedWidth(_ field: ArrowField) throws -> Int {
    switch field.type {
    case .integer(let bitWidth, _): return Int(bitWidth) / 8
    case .floatingPoint(let precision): return precision == 0 ? 2 : precision == 1 ? 4 : 8
    case .date(let unit) where unit == 0 || unit == 1: return unit == 0 ? 4 : 8
    case .timestamp: return 8
    default:
      throw ExchangeError(.unsupportedFeature, "\(context): column '\(field.name)' has an unsupported type")
    }
  }

  /// Converts dates in milliseconds to days (narrowing to 4 bytes) and timestamps to microseconds.
  private func rescale(_ field: ArrowField, _ values: inout [UInt8], width: Int) throws {
    switch field.type {
    case .date(1):
      var days: [Int32] = []
      values.withUnsafeBytes { raw in
        for index in 0..<(raw.count / 8) {
          let milliseconds = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
          let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
          days.append(Int32(truncatingIfNeeded: remainder < 0 ? quotient - 1 : quotient))
        }
      }
      values = days.withUnsafeBytes { Array($0) }
    case .timestamp(let unit, _) where unit != 2:
      values.withUnsafeMutableBytes { raw in
        for index in 0..<(raw.count / 8) {
          let value = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
          let micros: Int64
          switch unit {
          case 0: micros = value &* 1_000_000
          case 1: micros = value &* 1_000
          default:
            let (quotient, remainder) = value.quotientAndRemainder(dividingBy: 1_000)
            micros = remainder < 0 ? quotient - 1 : quotient
          }
          raw.storeBytes(of: micros.littleEndian, toByteOffset: index * 8, as: Int64.self)
        }
      }
    default:
      break
    }
  }

  private mutating func vectors(
    _ field: ArrowField, element: VectorElementType, dimension: Int, length: Int,
    validity: ValidityBitmap?
  ) throws -> Column {
    var offsets: [Int64]?
    switch field.type {
    case .list, .largeList:
      offsets = try listOffsets(field, length: length)
    default:
      break
    }
    let (childLength, childNulls) = try node()
    let childValidity = try buffer()
    let values = try buffer()
    let width = element.byteWidth
    guard values.count >= childLength * width else {
      throw corrupt("column '\(field.name)': \(values.count) bytes for \(childLength) elements")
    }
    // A list is a vector only when every non-null row has `dimension` elements; a row of
    // another length is named before the element count is checked against the child.
    if let offsets {
      for row in 0..<length where validity?[row] ?? true {
        guard offsets[row + 1] - offsets[row] == Int64(dimension) else {
          throw ExchangeError(
            .unsupportedFeature,
            "\(context): column '\(field.name)' row \(row) has \(offsets[row + 1] - offsets[row]) elements, not \(dimension); vectors need a constant length")
        }
      }
    }
    // Every vector's elements must be there before room for them is made.
    // A list's null rows need no elements, but every other row needs `dimension` of them.
    let (elements, overflow) = length.multipliedReportingOverflow(by: dimension)
    let nonNullRows = length - (validity?.nullCount ?? 0)
    guard !overflow, offsets != nil || elements <= childLength,
      nonNullRows * dimension <= childLength, elements <= Int(Int32.max) * 16
    else {
      throw corrupt("column '\(field.name)': \(childLength) elements for \(length) vectors of \(dimension)")
    }
    if offsets != nil {
      // A list's null rows take one validity bit in the file and a zeroed vector here.
      let (room, roomOverflow) = (length - nonNullRows).multipliedReportingOverflow(
        by: dimension * width)
      try ExpandedBytesLimit.require(
        roomOverflow ? nil : room, "\(length - nonNullRows) null vectors",
        context: "\(context), column '\(field.name)'")
    }
    var output = [UInt8](repeating: 0, count: length * dimension * width)
    for row in 0..<length where validity?[row] ?? true {
      let start: Int
      if let offsets {
        start = Int(offsets[row])
      } else {
        start = row * dimension
      }
      guard start >= 0, start + dimension <= childLength else {
        throw corrupt("column '\(field.name)': row \(row) runs past its \(childLength) elements")
      }
      if childNulls > 0 {
        guard childValidity.count * 8 >= childLength else {
          throw corrupt("column '\(field.name)': the element validity bitmap is too short")
        }
        for element in start..<(start + dimension) where childValidity[element >> 3] >> UInt8(element & 7) & 1 == 0 {
          throw ExchangeError(
            .unsupportedFeature, "\(context): column '\(field.name)' row \(row) has a null element; vectors cannot")
        }
      }
      output.replaceSubrange(
        (row * dimension * width)..<((row + 1) * dimension * width),
        with: values[(start * width)..<((start + dimension) * width)])
    }
    return Column(
      dataType: .fixedSizeList(element, dimension: dimension), count: length, values: output,
      validity: validity)
  }

  /// The `length + 1` offsets of list column `field` (32-bit for `List`, 64-bit for
  /// `LargeList`), from its next buffer.
  private mutating func listOffsets(_ field: ArrowField, length: Int) throws -> [Int64] {
    let large = field.type == .largeList
    let bytes = try buffer()
    guard bytes.count / (large ? 8 : 4) > length else {
      throw corrupt("column '\(field.name)': too few offsets")
    }
    return bytes.withUnsafeBytes { raw in
      (0...length).map {
        large
          ? Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))
          : Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)))
      }
    }
  }

  /// The length of the first non-null row of list column `index`, without decoding the batch.
  mutating func firstListLength(column index: Int) throws -> Int? {
    for (position, field) in fields.enumerated() {
      let (length, nullCount) = try node()
      let validity = try validity(buffer(), length: length, nullCount: nullCount, column: field.name)
      var offsets: [Int64] = []
      switch field.type {
      case .list, .largeList:
        offsets = try listOffsets(field, length: length)
      case .utf8, .binary, .largeUtf8, .largeBinary:
        _ = try buffer()
        _ = try buffer()
      case .fixedSizeList:
        _ = try node()
        _ = try buffer()
        _ = try buffer()
      default:
        _ = try buffer()
      }
      if position == index {
        guard let row = (0..<length).first(where: { validity?[$0] ?? true }) else { return nil }
        return Int(offsets[row + 1] - offsets[row])
      }
      if case .list = field.type { _ = try node(); _ = try buffer(); _ = try buffer() }
      if case .largeList = field.type { _ = try node(); _ = try buffer(); _ = try buffer() }
    }
    return nil
  }
}
