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
    case .vector(let element, let dimension, let bytes):
      return "[" + vectorElements(element, dimension: dimension, bytes: bytes, row: row)
        .joined(separator: ", ") + "]"
    }
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

  /// Whether `column`'s value at `row` is a float that JSON cannot hold (NaN or infinite).
  static func isNonFinite(_ column: ExchangeColumn, row: Int) -> Bool {
    switch column {
    case .float32(let values): return values[row].map { !$0.isFinite } ?? false
    case .float64(let values): return values[row].map { !$0.isFinite } ?? false
    case .vector(let element, let dimension, let bytes):
      guard element == .float32 || element == .float16 else { return false }
      return vectorElements(element, dimension: dimension, bytes: bytes, row: row).contains {
        $0 == "nan" || $0 == "inf" || $0 == "-inf"
      }
    default: return false
    }
  }
}
