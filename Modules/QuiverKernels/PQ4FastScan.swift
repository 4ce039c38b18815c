import CQuiverKernels

/// Fast-scan distances over 4-bit product-quantization codes.
///
/// Codes are rearranged into blocks of `blockRows` rows (`pack`) so that one byte shuffle looks
/// up sixteen rows' codes in a lookup table held in a vector register (`vpshufb` on AVX2 and
/// AVX-512BW, `tbl` on NEON). The per-query float table is first quantised to bytes
/// (`quantize`); a row's sum of bytes, accumulated in 16 bits, maps back to an approximate float
/// distance as `bias + scale × sum`. Every instruction-set path returns the same sums, bit for
/// bit. The layout is specified in `quiver_kernels.h` (`qk_pq4_fast_scan`).
///
/// The pointer functions are the unsafe layer: callers guarantee the buffer sizes stated.
public enum PQ4FastScan {
  /// Rows per block.
  public static let blockRows = Int(QK_PQ4_BLOCK_ROWS)

  /// The sum `scan` reports for a row its block mask leaves out (no real sum reaches it).
  public static let filteredSum = UInt16(QK_PQ4_FILTERED)

  /// Bytes that `rowCount` rows of `subVectorCount` codes take once packed in blocks.
  public static func packedByteCount(rowCount: Int, subVectorCount: Int) -> Int {
    blockCount(rowCount: rowCount) * blockByteCount(subVectorCount: subVectorCount)
  }

  /// Blocks that hold `rowCount` rows.
  public static func blockCount(rowCount: Int) -> Int { (rowCount + blockRows - 1) / blockRows }

  /// Bytes in one block of `subVectorCount` codes a row.
  public static func blockByteCount(subVectorCount: Int) -> Int { (subVectorCount + 1) / 2 * 32 }

  /// Bytes in a quantised lookup table for `subVectorCount` sub-vectors (16 per sub-vector,
  /// padded to an even count).
  public static func lookupTableByteCount(subVectorCount: Int) -> Int {
    (subVectorCount + 1) / 2 * 32
  }

  /// Rearranges `rowCount` row-major codes (`(subVectorCount + 1) / 2` bytes a row, low nibble
  /// first) into `packedByteCount(rowCount:subVectorCount:)` bytes of blocks.
  ///
  /// - Precondition: `subVectorCount > 0`, `rowCount >= 0`.
  /// - Complexity: O(rowCount × subVectorCount).
  public static func pack(
    codes: UnsafePointer<UInt8>, rowCount: Int, subVectorCount: Int,
    into blocks: UnsafeMutablePointer<UInt8>
  ) {
    precondition(subVectorCount > 0, "subVectorCount must be positive")
    precondition(rowCount >= 0, "rowCount must not be negative")
    qk_pq4_pack_blocks(codes, rowCount, subVectorCount, blocks)
  }

  /// The row-major code (`(subVectorCount + 1) / 2` bytes) of row `row` of packed blocks.
  ///
  /// - Precondition: `subVectorCount > 0`, `row >= 0` and inside the packed rows.
  public static func unpackRow(
    blocks: UnsafePointer<UInt8>, row: Int, subVectorCount: Int,
    into code: UnsafeMutablePointer<UInt8>
  ) {
    precondition(subVectorCount > 0 && row >= 0, "bad row or subVectorCount")
    qk_pq4_unpack_row(blocks, row, subVectorCount, code)
  }

  /// Quantises a float lookup table (`subVectorCount × 16`) into
  /// `lookupTableByteCount(subVectorCount:)` bytes.
  ///
  /// - Returns: `scale` and `bias` such that a row's float sum is about `bias + scale × sum`.
  /// - Precondition: `subVectorCount > 0`.
  public static func quantize(
    lookupTable: UnsafePointer<Float>, subVectorCount: Int,
    into bytes: UnsafeMutablePointer<UInt8>
  ) -> (scale: Float, bias: Float) {
    precondition(subVectorCount > 0, "subVectorCount must be positive")
    var scale: Float = 0
    var bias: Float = 0
    qk_pq4_quantize_lut(lookupTable, subVectorCount, bytes, &scale, &bias)
    return (scale, bias)
  }

  /// `sums[j] = Σₘ table[m·16 + codeₘ(j)]` in 16-bit arithmetic for the `rowCount` rows of
  /// `blocks`.
  ///
  /// - Parameters:
  ///   - blockMasks: when given, one word per block (bit `r` = row `32·b + r`); rows whose bit
  ///     is clear get `filteredSum`, and blocks whose word is zero are skipped.
  ///   - blocks: The packed codes (`pack`), `blockCount(rowCount:)` blocks of
  ///     `blockByteCount(subVectorCount:)` bytes.
  ///   - rowCount: The number of rows in `blocks`.
  ///   - subVectorCount: The number of 4-bit codes per row.
  ///   - sums: Receives one 16-bit sum per row (`rowCount` rounded up to whole blocks).
  ///   - table: The quantized lookup table (`quantize`), 16 bytes per sub-vector.
  /// - Precondition: `subVectorCount > 0`, `rowCount >= 0`; buffers sized as above.
  /// - Complexity: O(rowCount × subVectorCount / 32) shuffles.
  public static func scan(
    table: UnsafePointer<UInt8>, blocks: UnsafePointer<UInt8>, rowCount: Int,
    subVectorCount: Int, blockMasks: UnsafePointer<UInt32>?, into sums: UnsafeMutablePointer<UInt16>
  ) {
    precondition(subVectorCount > 0, "subVectorCount must be positive")
    precondition(rowCount >= 0, "rowCount must not be negative")
    qk_pq4_fast_scan(table, blocks, rowCount, subVectorCount, blockMasks, sums)
  }
}

extension PQ4FastScan {
  /// Selects the rows whose distance `(base + scale × sums[j]) + terms[j]` (no term when
  /// `terms` is nil) is at most `threshold` — and, with `skipFiltered`, whose sum is not
  /// `filteredSum` — writing their indices and distances in row order; every instruction-set
  /// path gives the same rows and distances, bit for bit (no fused multiply-add).
  ///
  /// - Returns: the number of rows selected.
  /// - Precondition: `rowCount >= 0`; `sums` (and `terms`) hold `rowCount` values, `rows` and
  ///   `distances` have room for `rowCount`.
  /// - Complexity: O(rowCount), sixteen rows a step on AVX-512.
  public static func select(
    sums: UnsafePointer<UInt16>, terms: UnsafePointer<Float>?, rowCount: Int, base: Float,
    scale: Float, threshold: Float, skipFiltered: Bool, rows: UnsafeMutablePointer<UInt32>,
    distances: UnsafeMutablePointer<Float>
  ) -> Int {
    precondition(rowCount >= 0, "rowCount must not be negative")
    return qk_pq4_select(
      sums, terms, rowCount, base, scale, threshold, skipFiltered ? 1 : 0, rows, distances)
  }

  /// Packs row-major 4-bit codes into blocks (see the pointer variant).
  ///
  /// - Throws: `KernelError.invalidLength` when `subVectorCount` is not positive or the codes
  ///   are not a whole number of rows.
  public static func pack(codes: [UInt8], subVectorCount: Int) throws(KernelError) -> [UInt8] {
    guard subVectorCount > 0 else {
      throw KernelError(.invalidLength, "subVectorCount \(subVectorCount) must be positive")
    }
    let rowBytes = (subVectorCount + 1) / 2
    guard codes.count % rowBytes == 0 else {
      throw KernelError(
        .invalidLength, "codes hold \(codes.count) bytes, not a multiple of the row size \(rowBytes)")
    }
    let rowCount = codes.count / rowBytes
    let size = packedByteCount(rowCount: rowCount, subVectorCount: subVectorCount)
    return [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
      codes.withUnsafeBufferPointer { source in
        if let base = source.baseAddress, let target = out.baseAddress {
          pack(codes: base, rowCount: rowCount, subVectorCount: subVectorCount, into: target)
        }
      }
      initialized = size
    }
  }

  /// Scans packed blocks with a quantised table (see the pointer variant).
  ///
  /// - Throws: `KernelError.invalidLength` when a buffer does not fit `rowCount` and
  ///   `subVectorCount`.
  public static func scan(
    table: [UInt8], blocks: [UInt8], rowCount: Int, subVectorCount: Int,
    blockMasks: [UInt32]? = nil
  ) throws(KernelError) -> [UInt16] {
    guard subVectorCount > 0, rowCount >= 0 else {
      throw KernelError(
        .invalidLength,
        "subVectorCount \(subVectorCount) must be positive and rowCount \(rowCount) not negative")
    }
    guard table.count == lookupTableByteCount(subVectorCount: subVectorCount) else {
      throw KernelError(
        .invalidLength,
        "the table has \(table.count) bytes; \(subVectorCount) sub-vectors need \(lookupTableByteCount(subVectorCount: subVectorCount))"
      )
    }
    let needed = packedByteCount(rowCount: rowCount, subVectorCount: subVectorCount)
    guard blocks.count == needed else {
      throw KernelError(
        .invalidLength, "blocks hold \(blocks.count) bytes; \(rowCount) rows need \(needed)")
    }
    if let blockMasks, blockMasks.count != blockCount(rowCount: rowCount) {
      throw KernelError(
        .invalidLength,
        "\(blockMasks.count) block masks for \(blockCount(rowCount: rowCount)) blocks")
    }
    return [UInt16](unsafeUninitializedCapacity: rowCount) { out, initialized in
      if rowCount > 0 {
        table.withUnsafeBufferPointer { t in
          blocks.withUnsafeBufferPointer { b in
            if let blockMasks {
              blockMasks.withUnsafeBufferPointer { m in
                scan(
                  table: t.baseAddress!, blocks: b.baseAddress!, rowCount: rowCount,
                  subVectorCount: subVectorCount, blockMasks: m.baseAddress!,
                  into: out.baseAddress!)
              }
            } else {
              scan(
                table: t.baseAddress!, blocks: b.baseAddress!, rowCount: rowCount,
                subVectorCount: subVectorCount, blockMasks: nil, into: out.baseAddress!)
            }
          }
        }
      }
      initialized = rowCount
    }
  }
}
