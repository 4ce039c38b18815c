/// The rows of one IVF_RQ partition, in the order they were added: row ids, RaBitQ codes as bit
/// planes (`RaBitQuantizer`) and per-row factors. The sign planes of all rows come first and
/// apart from the extra planes, so the first pass of a search streams only them.
package struct IVFRQPartition: Sendable, Hashable {
  /// Row ids, one per row.
  package var rowIds: [UInt64]
  /// `rowCount × words` words: each row's sign plane.
  package var signCodes: [UInt64]
  /// `rowCount × (bits − 1) × words` words: each row's extra planes, most significant first.
  package var extraCodes: [UInt64]
  /// `rowCount × factorCount` floats (`RaBitQuantizer.Factor`).
  package var factors: [Float]

  /// The number of rows.
  package var rowCount: Int { rowIds.count }

  /// Bytes held in memory (what the partition cache counts).
  package var byteCount: Int {
    (rowIds.count + signCodes.count + extraCodes.count) * 8 + factors.count * 4
  }
}
