import QuiverFormat

/// Changes the element type of raw vector bytes where that loses nothing: float16 and uint8 widen
/// to float32, uint8 widens to int32. Anything else would change values and is refused.
enum VectorConversion {
  /// `bytes` of `source` elements as `target` elements.
  /// - Parameter context: the start of the error message (which file needs which type).
  /// - Throws: `CLIError.usage` for a conversion that would lose values.
  static func convert(
    _ bytes: [UInt8], from source: VectorElement, to target: VectorElement, context: String
  ) throws -> [UInt8] {
    if source == target { return bytes }
    switch (source, target) {
    case (.float16, .float32):
      return widen(bytes, stride: 2) { bits in HalfPrecision.float(fromBits: UInt16(bits)).bitPattern }
    case (.uint8, .float32):
      return widen(bytes, stride: 1) { Float($0).bitPattern }
    case (.uint8, .int32):
      return widen(bytes, stride: 1) { $0 }
    default:
      throw CLIError(
        .usage,
        "\(context); converting \(source.rawValue) vectors to it would change values "
          + "(choose an output format that holds \(source.rawValue))")
    }
  }

  private static func widen(
    _ bytes: [UInt8], stride: Int, _ transform: (UInt32) -> UInt32
  ) -> [UInt8] {
    let count = bytes.count / stride
    var output = [UInt8](repeating: 0, count: count * 4)
    for index in 0..<count {
      var source: UInt32 = 0
      for byte in 0..<stride { source |= UInt32(bytes[index * stride + byte]) << (8 * byte) }
      let value = transform(source)
      for byte in 0..<4 { output[index * 4 + byte] = UInt8(truncatingIfNeeded: value >> (8 * byte)) }
    }
    return output
  }
}
