import CQuiverKernels

/// Integer inner products of bit-sliced RaBitQ codes with a bit-sliced query.
///
/// A code of `planes` bits per dimension is stored as `planes` bit planes of `words` 64-bit
/// words (bit `b` of word `w` is dimension `64w + b`), most significant plane first; a row is
/// `planes × words` words. The query's unsigned integers are sliced the same way into
/// `queryBits` planes. `scan` returns `Σᵢ codeᵢ · queryᵢ` per row as weighted popcounts of the
/// AND-ed planes (`qk_rabitq_scan`); every instruction-set path returns the same sums, bit for
/// bit.
///
/// The pointer functions are the unsafe layer: callers guarantee the buffer sizes stated.
public enum RaBitQScan {
  /// Bits per word of a plane.
  public static let bitsPerWord = 64

  /// Words per plane for `dimension` dimensions (padding bits are zero).
  public static func wordCount(dimension: Int) -> Int { (dimension + 63) / 64 }

  /// Writes `Σᵢ code_r(i) · query(i)` for the `rowCount` rows of `codes` into `out`.
  ///
  /// - Precondition: `words > 0`, `1 <= planes <= 8`, `1 <= queryBits <= 8`,
  ///   `words × 64 × (2^planes − 1) × (2^queryBits − 1) < 2^32` (no sum wraps); `codes` valid
  ///   for `rowCount × planes × words` words, `query` for `queryBits × words`, `out` for
  ///   `rowCount`.
  /// - Complexity: O(rowCount × planes × queryBits × words).
  public static func scan(
    codes: UnsafePointer<UInt64>, rowCount: Int, words: Int, planes: Int,
    query: UnsafePointer<UInt64>, queryBits: Int, into out: UnsafeMutablePointer<UInt32>
  ) {
    precondition(words > 0 && rowCount >= 0, "bad RaBitQ scan shape")
    precondition((1...8).contains(planes) && (1...8).contains(queryBits), "bad RaBitQ planes")
    precondition(maximumSum(words: words, planes: planes, queryBits: queryBits) != nil,
      "RaBitQ sums of \(words) words would overflow 32 bits")
    qk_rabitq_scan(codes, rowCount, words, planes, query, queryBits, out)
  }

  /// The largest sum a scan of this shape can produce, or nil when it does not fit 32 bits.
  public static func maximumSum(words: Int, planes: Int, queryBits: Int) -> UInt32? {
    let (bits, overflow) = words.multipliedReportingOverflow(by: 64)
    guard !overflow, planes <= 8, queryBits <= 8 else { return nil }
    let perDimension = UInt64((1 << planes) - 1) * UInt64((1 << queryBits) - 1)
    let (total, wrapped) = UInt64(bits).multipliedReportingOverflow(by: perDimension)
    guard !wrapped, total <= UInt64(UInt32.max) else { return nil }
    return UInt32(total)
  }

  /// Slices `values` (unsigned integers below `2^bits`, one per dimension) into `bits` planes
  /// of `words` words, most significant plane first, into `planesOut` (zeroed first).
  ///
  /// - Precondition: `values.count <= words × 64`; `planesOut` valid for `bits × words` words.
  public static func slice(
    _ values: UnsafeBufferPointer<UInt8>, bits: Int, words: Int,
    into planesOut: UnsafeMutablePointer<UInt64>
  ) {
    precondition(values.count <= words * 64 && (1...8).contains(bits), "bad slice shape")
    planesOut.update(repeating: 0, count: bits * words)
    for (dimension, value) in values.enumerated() {
      let word = dimension >> 6
      let bit = UInt64(1) << UInt64(dimension & 63)
      for plane in 0..<bits where (value >> UInt8(bits - 1 - plane)) & 1 != 0 {
        planesOut[plane * words + word] |= bit
      }
    }
  }
}
