/// IEEE 754 binary16 conversions on raw bit patterns (Swift's `Float16` is unavailable on Intel
/// Macs, so the conversion is spelled out).
enum HalfFloat {
  /// The float32 value of a float16 bit pattern (exact: every half is a float).
  static func float(fromBits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x03FF)
    if exponent == 0x1F {
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
      // Zero or subnormal: mantissa × 2^-24.
      let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
      return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
  }

  /// The float16 bit pattern nearest to `value` (round to nearest, ties to even; overflow to
  /// infinity; NaN stays NaN).
  static func bits(from value: Float) -> UInt16 {
    let raw = value.bitPattern
    let sign = UInt16((raw >> 16) & 0x8000)
    let exponent = Int((raw >> 23) & 0xFF)
    var mantissa = raw & 0x7F_FFFF
    if exponent == 0xFF {
      return sign | 0x7C00 | (mantissa != 0 ? 0x200 | UInt16(mantissa >> 13) : 0)
    }
    let halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }
    if halfExponent <= 0 {
      // Subnormal half (or zero): shift the full mantissa into place with rounding.
      if halfExponent < -10 { return sign }
      mantissa |= 0x80_0000
      let shift = UInt32(14 - halfExponent)
      var half = mantissa >> shift
      let remainder = mantissa & ((1 << shift) - 1)
      let halfway = UInt32(1) << (shift - 1)
      if remainder > halfway || (remainder == halfway && (half & 1) == 1) { half += 1 }
      return sign | UInt16(half)
    }
    var half = UInt32(halfExponent) << 10 | (mantissa >> 13)
    let remainder = mantissa & 0x1FFF
    if remainder > 0x1000 || (remainder == 0x1000 && (half & 1) == 1) { half += 1 }
    return sign | UInt16(half)  // a carry into the exponent rounds up correctly, to infinity at most
  }
}
