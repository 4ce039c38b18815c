/// Decodes Parquet's DELTA_BINARY_PACKED encoding of INT32 and INT64 values (parquet-format
/// Encodings.md, "Delta Encoding"): blocks of bit-packed deltas from a minimum delta.
enum DeltaBinaryPackedDecoder {
  /// Decodes `count` values from `bytes` as 64-bit integers (INT32 columns wrap in 32 bits, as
  /// their writers do).
  /// - Throws: `ExchangeError.corruptFile` naming `context` for a malformed header or block.
  static func decode(
    _ bytes: UnsafeRawBufferPointer, count: Int, context: String
  ) throws -> [Int64] {
    var position = 0
    func corrupt(_ problem: String) -> ExchangeError {
      ExchangeError(.corruptFile, "\(context): DELTA_BINARY_PACKED: \(problem)")
    }
    func varint() throws -> UInt64 {
      do { return try Varint.read(bytes, at: &position, end: bytes.count) } catch {
        throw corrupt("a header varint \(error)")
      }
    }
    func zigzag() throws -> Int64 { Varint.zigzag(try varint()) }
    let blockSize = try varint()
    let miniblockCount = try varint()
    let total = try varint()
    var previous = try zigzag()
    guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblockCount > 0,
      blockSize % miniblockCount == 0, (blockSize / miniblockCount) % 32 == 0
    else {
      throw corrupt("block size \(blockSize) with \(miniblockCount) miniblocks is invalid")
    }
    guard total >= UInt64(count) else {
      throw corrupt("holds \(total) values but the page needs \(count)")
    }
    var values: [Int64] = []
    values.reserveCapacity(count)
    if count == 0 { return values }
    values.append(previous)
    let perMiniblock = Int(blockSize / miniblockCount)
    while values.count < count {
      let minimumDelta = try zigzag()
      guard bytes.count - position >= Int(miniblockCount) else {
        throw corrupt("the data ends inside a block's bit widths")
      }
      let widthsStart = position
      position += Int(miniblockCount)
      for miniblock in 0..<Int(miniblockCount) where values.count < count {
        let bitWidth = Int(bytes[widthsStart + miniblock])
        guard bitWidth <= 64 else { throw corrupt("bit width \(bitWidth) is above 64") }
        let miniblockBytes = perMiniblock * bitWidth / 8
        let take = min(perMiniblock, count - values.count)
        guard bytes.count - position >= (take * bitWidth + 7) / 8 else {
          throw corrupt("the data ends inside a miniblock")
        }
        var buffer: UInt64 = 0
        var bitsInBuffer = 0
        var cursor = position
        let mask: UInt64 = bitWidth == 64 ? .max : (UInt64(1) << UInt64(bitWidth)) - 1
        for _ in 0..<take {
          var delta: UInt64
          if bitWidth == 0 {
            delta = 0
          } else {
            // Gather bitWidth bits, which may straddle more than 64 buffered bits.
            delta = 0
            var gathered = 0
            while gathered < bitWidth {
              if bitsInBuffer == 0 {
                buffer = UInt64(bytes[cursor])
                cursor += 1
                bitsInBuffer = 8
              }
              let step = min(bitWidth - gathered, bitsInBuffer)
              let part = buffer & ((UInt64(1) << UInt64(step)) &- 1)
              delta |= part << UInt64(gathered)
              buffer >>= UInt64(step)
              bitsInBuffer -= step
              gathered += step
            }
            delta &= mask
          }
          previous = previous &+ minimumDelta &+ Int64(bitPattern: delta)
          values.append(previous)
        }
        position = min(position + miniblockBytes, bytes.count)
      }
    }
    return values
  }
}
