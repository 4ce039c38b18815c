/// Decodes Parquet's RLE / bit-packed hybrid encoding (parquet-format Encodings.md, "Run Length
/// Encoding / Bit-Packing Hybrid"): the encoding of definition and repetition levels, of
/// dictionary indices and of RLE booleans.
struct RLEBitPackedHybridDecoder {
  private let bytes: UnsafeRawBufferPointer
  private var position = 0
  private let bitWidth: Int
  private let context: String

  /// A decoder of `bytes` holding values of `bitWidth` bits (0…32).
  init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, context: String) throws {
    guard (0...32).contains(bitWidth) else {
      throw ExchangeError(.corruptFile, "\(context): bit width \(bitWidth) is above 32")
    }
    self.bytes = bytes
    self.bitWidth = bitWidth
    self.context = context
  }

  /// The bytes consumed so far.
  var consumed: Int { position }

  private func corrupt(_ problem: String) -> ExchangeError {
    ExchangeError(.corruptFile, "\(context): \(problem)")
  }

  private mutating func readVarint() throws -> UInt64 {
    do { return try Varint.read(bytes, at: &position, end: bytes.count) } catch {
      throw corrupt("a run header \(error)")
    }
  }

  /// Decodes exactly `count` values into `output`, each checked to be at most `maximum`.
  /// - Throws: `ExchangeError.corruptFile` when the runs end early or a value exceeds `maximum`.
  mutating func decode<Value: FixedWidthInteger>(
    count: Int, maximum: UInt32, into output: UnsafeMutableBufferPointer<Value>
  ) throws {
    precondition(output.count >= count)
    var produced = 0
    let mask: UInt64 = bitWidth == 0 ? 0 : (UInt64(1) << UInt64(bitWidth)) - 1
    while produced < count {
      let header = try readVarint()
      if header & 1 == 0 {
        let runLength = header >> 1
        let valueBytes = (bitWidth + 7) / 8
        guard bytes.count - position >= valueBytes else { throw corrupt("an RLE run is cut off") }
        var value: UInt32 = 0
        for index in 0..<valueBytes {
          value |= UInt32(bytes[position + index]) << UInt32(8 * index)
        }
        position += valueBytes
        guard value <= maximum else { throw corrupt("value \(value) exceeds the maximum \(maximum)") }
        let take = Int(min(runLength, UInt64(count - produced)))
        (output.baseAddress! + produced).initialize(repeating: Value(truncatingIfNeeded: value), count: take)
        produced += take
      } else {
        let groups = header >> 1
        guard groups <= UInt64(bytes.count) else { throw corrupt("a bit-packed run is too long") }
        let values = Int(groups) * 8
        let runBytes = Int(groups) * bitWidth
        let take = min(values, count - produced)
        // The last run may stop after the bytes its values need.
        let needed = (take * bitWidth + 7) / 8
        guard bytes.count - position >= needed else { throw corrupt("a bit-packed run is cut off") }
        var buffer: UInt64 = 0
        var bitsInBuffer = 0
        var cursor = position
        for index in 0..<take {
          while bitsInBuffer < bitWidth {
            buffer |= UInt64(bytes[cursor]) << UInt64(bitsInBuffer)
            cursor += 1
            bitsInBuffer += 8
          }
          let value = buffer & mask
          buffer >>= UInt64(bitWidth)
          bitsInBuffer -= bitWidth
          guard value <= maximum else {
            throw corrupt("value \(value) exceeds the maximum \(maximum)")
          }
          output[produced + index] = Value(truncatingIfNeeded: value)
        }
        position = min(position + runBytes, bytes.count)
        produced += take
      }
    }
  }
}
