/// Conversions between IEEE half-precision bit patterns and `Float`, without relying on the
/// platform's `Float16` (missing on macOS x86-64).
package enum HalfPrecision {
  /// The `Float` a half-precision bit pattern stands for (exact).
  @inlinable package static func float(fromBits bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    if exponent == 0 {
      // Zero or subnormal: mantissa * 2^-24.
      let magnitude = Float(mantissa) * (1.0 / 16_777_216.0)
      return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 0x1F {
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
  }

  /// The nearest half-precision bit pattern to `value` (round to nearest even).
  package static func bits(from value: Float) -> UInt16 {
    let word = value.bitPattern
    let sign = UInt16((word >> 16) & 0x8000)
    let exponent = Int((word >> 23) & 0xFF)
    var mantissa = word & 0x7F_FFFF
    if exponent == 0xFF {
      return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0)
    }
    var halfExponent = exponent - 127 + 15
    if halfExponent >= 0x1F { return sign | 0x7C00 }
    if halfExponent <= 0 {
      if halfExponent < -10 { return sign }
      mantissa |= 0x80_0000
      let shift = UInt32(14 - halfExponent)
      var half = mantissa >> shift
      let remainder = mantissa & ((1 << shift) - 1)
      let halfway = UInt32(1) << (shift - 1)
      if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
      return sign | UInt16(half)
    }
    var half = mantissa >> 13
    let remainder = mantissa & 0x1FFF
    if remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1) {
      half += 1
      if half == 0x400 {
        half = 0
        halfExponent += 1
        if halfExponent >= 0x1F { return sign | 0x7C00 }
      }
    }
    return sign | UInt16(halfExponent << 10) | UInt16(half)
  }
}
