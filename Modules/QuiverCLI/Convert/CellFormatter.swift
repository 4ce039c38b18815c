import QuiverFormat

/// Text for the values of an `ExchangeColumn`: shortest round-trip decimals for floats (so the
/// text reads back as the same bits), vectors as `[a, b, c]`.
enum CellFormatter {
  /// The value of row `row`, or nil for a null.
  static func text(_ column: ExchangeColumn, row: Int) -> String? {
    switch column {
    case .bool(let values): return values[row].map { $0 ? "true" : "false" }
    case .int64(let values): return values[row].map { String($0) }
    case .float32(let values): return values[row].map { "\($0)" }
    case .float64(let values): return values[row].map { "\($0)" }
    case .string(let values): return values[row]
    case .binary(let values): return values[row].map(hexadecimal)
    case .vector(let element, let dimension, let bytes):
      return "["
        + vectorElements(element, dimension: dimension, bytes: bytes, row: row)
        .joined(separator: ", ") + "]"
    }
  }

  /// Binary bytes as `0x` and two lowercase hexadecimal digits per byte.
  static func hexadecimal(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text = Array("0x".utf8)
    text.reserveCapacity(2 + 2 * bytes.count)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The element texts of vector `row`.
  static func vectorElements(
    _ element: VectorElement, dimension: Int, bytes: [UInt8], row: Int
  ) -> [String] {
    let width = element.byteWidth
    let start = row * dimension * width
    return (0..<dimension).map { index in
      var bits: UInt32 = 0
      for byte in 0..<width { bits |= UInt32(bytes[start + index * width + byte]) << (8 * byte) }
      switch element {
      case .float32: return "\(Float(bitPattern: bits))"
      case .float16: return "\(HalfPrecision.float(fromBits: UInt16(bits)))"
      case .uint8: return String(bits)
      case .int32: return String(Int32(bitPattern: bits))
      }
    }
  }

  /// Appends vector `row` as `[a, b, c]` (the same text as `text(_:row:)`) to `output`, without
  /// an intermediate string per element list.
  static func appendVector(
    _ element: VectorElement, dimension: Int, bytes: [UInt8], row: Int, to output: inout [UInt8]
  ) {
    let width = element.byteWidth
    let start = row * dimension * width
    output.append(UInt8(ascii: "["))
    bytes.withUnsafeBytes { raw in
      for index in 0..<dimension {
        if index > 0 {
          output.append(UInt8(ascii: ","))
          output.append(UInt8(ascii: " "))
        }
        let offset = start + index * width
        switch element {
        case .float32:
          output.append(
            contentsOf: raw.loadUnaligned(fromByteOffset: offset, as: Float.self).description.utf8)
        case .float16:
          let bits = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
          output.append(contentsOf: HalfPrecision.float(fromBits: bits).description.utf8)
        case .uint8:
          output.append(contentsOf: String(raw[offset]).utf8)
        case .int32:
          output.append(
            contentsOf: String(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)).utf8)
        }
      }
    }
    output.append(UInt8(ascii: "]"))
  }

  /// Whether vector `row` holds a NaN or an infinity (float exponent bits all ones).
  static func vectorHasNonFinite(
    _ element: VectorElement, dimension: Int, bytes: [UInt8], row: Int
  ) -> Bool {
    let width = element.byteWidth
    let start = row * dimension * width
    return bytes.withUnsafeBytes { raw in
      switch element {
      case .float32:
        return (0..<dimension).contains { index in
          let bits = raw.loadUnaligned(fromByteOffset: start + index * 4, as: UInt32.self)
          return bits & 0x7F80_0000 == 0x7F80_0000
        }
      case .float16:
        return (0..<dimension).contains { index in
          let bits = raw.loadUnaligned(fromByteOffset: start + index * 2, as: UInt16.self)
          return bits & 0x7C00 == 0x7C00
        }
      case .uint8, .int32:
        return false
      }
    }
  }

  /// Whether `column`'s value at `row` is a float that JSON cannot hold (NaN or infinite).
  static func isNonFinite(_ column: ExchangeColumn, row: Int) -> Bool {
    switch column {
    case .float32(let values): return values[row].map { !$0.isFinite } ?? false
    case .float64(let values): return values[row].map { !$0.isFinite } ?? false
    case .vector(let element, let dimension, let bytes):
      return vectorHasNonFinite(element, dimension: dimension, bytes: bytes, row: row)
    default: return false
    }
  }
}
