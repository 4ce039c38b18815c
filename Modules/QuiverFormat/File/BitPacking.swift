/// Bit packing of unsigned integers, LSB first (Docs/Format.md "Page body").
enum BitPacking {
  /// Bits needed to hold `value` (0 for 0).
  @inline(__always) static func bitWidth(_ value: UInt64) -> Int { 64 - value.leadingZeroBitCount }

  /// Bytes used by `count` values of `bitWidth` bits.
  static func byteCount(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }

  /// Appends `values` packed at `bitWidth` bits each to `output`.
  static func pack(_ values: UnsafeBufferPointer<UInt64>, bitWidth: Int, into output: inout [UInt8]) {
    let total = byteCount(count: values.count, bitWidth: bitWidth)
    guard total > 0 else { return }
    let base = output.count
    output.append(contentsOf: repeatElement(0, count: total + 8))
    output.withUnsafeMutableBytes { raw in
      let out = raw.baseAddress! + base
      var bitPosition = 0
      let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
      for value in values {
        let word = bitPosition >> 3
        let shift = UInt64(bitPosition & 7)
        let masked = value & mask
        var low = out.loadUnaligned(fromByteOffset: word, as: UInt64.self)
        low |= masked << shift
        out.storeBytes(of: low, toByteOffset: word, as: UInt64.self)
        if shift != 0 && UInt64(bitWidth) + shift > 64 {
          let high = masked >> (64 - shift)
          out.storeBytes(
            of: out.load(fromByteOffset: word + 8, as: UInt8.self) | UInt8(truncatingIfNeeded: high),
            toByteOffset: word + 8, as: UInt8.self)
        }
        bitPosition += bitWidth
      }
    }
    output.removeLast(8)
  }

  /// Unpacks `count` values of `bitWidth` bits from `input` (which holds exactly
  /// `byteCount(count:bitWidth:)` bytes), calling `body(index, value)` for each.
  @inline(__always)
  static func unpack(
    _ input: UnsafeRawBufferPointer, count: Int, bitWidth: Int, _ body: (Int, UInt64) -> Void
  ) {
    if bitWidth == 0 {
      for index in 0..<count { body(index, 0) }
      return
    }
    let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
    let byteLength = input.count
    var bitPosition = 0
    for index in 0..<count {
      let word = bitPosition >> 3
      let shift = UInt64(bitPosition & 7)
      var value: UInt64
      if word + 8 <= byteLength {
        value = input.loadUnaligned(fromByteOffset: word, as: UInt64.self) >> shift
      } else {
        value = 0
        for byte in 0..<(byteLength - word) {
          value |= UInt64(input[word + byte]) << UInt64(8 * byte)
        }
        value >>= shift
      }
      if shift != 0 && UInt64(bitWidth) + shift > 64 {
        value |= UInt64(input[word + 8]) << (64 - shift)
      }
      body(index, value & mask)
      bitPosition += bitWidth
    }
  }
}
