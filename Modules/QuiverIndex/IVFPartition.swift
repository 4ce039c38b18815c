import QuiverKernels

/// The rows of one IVF partition, in the order they were added. Which arrays are filled
/// depends on the index type:
/// - IVF_FLAT: `vectors` (unit vectors for cosine);
/// - IVF_PQ: `codes` (8-bit: `codeSize` bytes a row; 4-bit: fast-scan blocks of 32 rows,
///   `PQ4FastScan`) and, for l2 and cosine, `rowTerms`
///   (`2·c·r̂ + ‖r̂‖²` for centroid `c` and decoded residual `r̂`, which turns one per-query
///   lookup table into exact asymmetric distances in every partition);
/// - IVF_SQ: `codes` (`dimension` bytes a row, residuals to the centroid).
package struct IVFPartition: Sendable, Hashable {
  /// Row ids, one per row.
  package var rowIds: [UInt64]
  /// Full-precision vectors, `rowCount × dimension` (IVF_FLAT).
  package var vectors: [Float] = []
  /// Quantized codes: `rowCount × codeSize` bytes (IVF_SQ, 8-bit IVF_PQ) or fast-scan blocks
  /// (4-bit IVF_PQ).
  package var codes: [UInt8] = []
  /// Per-row additive distance terms (IVF_PQ with l2 or cosine).
  package var rowTerms: [Float] = []

  /// The number of rows.
  package var rowCount: Int { rowIds.count }

  /// Bytes held in memory (what the partition cache counts).
  package var byteCount: Int {
    rowIds.count * 8 + vectors.count * 4 + codes.count + rowTerms.count * 4
  }

  /// Row-major 4-bit codes rearranged into fast-scan blocks.
  package static func fastScanBlocks(rowMajorCodes: [UInt8], rowCount: Int, subVectorCount: Int)
    -> [UInt8]
  {
    var blocks = [UInt8](
      repeating: 0,
      count: PQ4FastScan.packedByteCount(rowCount: rowCount, subVectorCount: subVectorCount))
    guard rowCount > 0 else { return blocks }
    rowMajorCodes.withUnsafeBufferPointer { source in
      blocks.withUnsafeMutableBufferPointer { target in
        PQ4FastScan.pack(
          codes: source.baseAddress!, rowCount: rowCount, subVectorCount: subVectorCount,
          into: target.baseAddress!)
      }
    }
    return blocks
  }
}
