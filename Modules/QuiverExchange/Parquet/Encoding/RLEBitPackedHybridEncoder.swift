/// Encodes values with Parquet's RLE / bit-packed hybrid encoding: runs of eight or more equal
/// values become RLE runs, everything else bit-packed groups of eight.
enum RLEBitPackedHybridEncoder {
  /// The encoding of `values` (each below `1 << bitWidth`).
  static func encode<Value: FixedWidthInteger>(
    _ values: UnsafeBufferPointer<Value>, bitWidth: Int
  ) -> [UInt8] {
    var output: [UInt8] = []
    var literals: [UInt32] = []
    var index = 0
    while index < values.count {
      let value = values[index]
      var run = 1
      while index + run < values.count && values[index + run] == value { run += 1 }
      if run >= 8 {
        // Pad the pending literals to a group of eight from the run, if enough of it remains.
        let pad = (8 - literals.count % 8) % 8
        if pad > 0 && run - pad >= 8 {
          literals.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: value), count: pad))
          index += pad
          run -= pad
        }
        if literals.count % 8 == 0 {
          flush(&literals, bitWidth: bitWidth, into: &output)
          appendVarint(UInt64(run) << 1, to: &output)
          let raw = UInt32(truncatingIfNeeded: value)
          for byteIndex in 0..<((bitWidth + 7) / 8) {
            output.append(UInt8(truncatingIfNeeded: raw >> UInt32(8 * byteIndex)))
          }
          index += run
          continue
        }
      }
      literals.append(contentsOf: repeatElement(UInt32(truncatingIfNeeded: value), count: run))
      index += run
    }
    flush(&literals, bitWidth: bitWidth, into: &output)
    return output
  }

  /// Writes the pending literals as one bit-packed run (padded to a multiple of eight).
  private static func flush(_ literals: inout [UInt32], bitWidth: Int, into output: inout [UInt8]) {
    guard !literals.isEmpty else { return }
    let groups = (literals.count + 7) / 8
    appendVarint(UInt64(groups) << 1 | 1, to: &output)
    var buffer: UInt64 = 0
    var bitsInBuffer = 0
    for index in 0..<(groups * 8) {
      let value = index < literals.count ? UInt64(literals[index]) : 0
      buffer |= value << UInt64(bitsInBuffer)
      bitsInBuffer += bitWidth
      while bitsInBuffer >= 8 {
        output.append(UInt8(truncatingIfNeeded: buffer))
        buffer >>= 8
        bitsInBuffer -= 8
      }
    }
    if bitsInBuffer > 0 { output.append(UInt8(truncatingIfNeeded: buffer)) }
    literals.removeAll(keepingCapacity: true)
  }

  static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
    var value = value
    while value >= 0x80 {
      output.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    output.append(UInt8(value))
  }

  /// The number of bits that hold values up to `maximum`.
  static func bitWidth(for maximum: Int) -> Int {
    maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount
  }
}
