import QuiverStorage

/// The semantic checks applied to index metadata after its checksum has been verified
/// (Docs/Format.md, "Validation on read"): sizes that sum without overflow, products of counts
/// that fit, and model values that are finite. A faulty writer can store numbers that pass the
/// checksum yet contradict each other; none of them may trap or drop rows silently.
package enum IndexMetadataValidation {
  /// The sum of `sizes`, or nil when a size is negative or above 2³² − 1 (a partition's rows
  /// are addressed by 32-bit node ids) or the sum overflows.
  package static func partitionSizesSum(_ sizes: [Int]) -> Int? {
    var total = 0
    for size in sizes {
      guard size >= 0, size <= Int(UInt32.max) else { return nil }
      let (sum, overflow) = total.addingReportingOverflow(size)
      guard !overflow else { return nil }
      total = sum
    }
    return total
  }

  /// Whether the IVF metadata of a model file of `modelByteCount` bytes agrees with itself:
  /// a positive dimension and partition count, each bounded by the file (4 bytes a float, at
  /// least 32 bytes a partition) before anything multiplies them, `numPartitions` equal to the
  /// directory's length, partition sizes that sum to `rowCount`, and fragment ids ascending.
  package static func ivfShapeIsConsistent(
    parameters: IVFIndexParameters, statistics: IVFIndexStatistics, modelByteCount: Int
  ) -> Bool {
    let dimension = statistics.dimension
    let partitions = statistics.partitionSizes.count
    return dimension > 0 && dimension <= modelByteCount / 4 && partitions > 0
      && partitions <= modelByteCount / 32 && statistics.rowCount >= 0
      && parameters.numPartitions == partitions
      && partitionSizesSum(statistics.partitionSizes) == statistics.rowCount
      && zip(statistics.fragmentIds, statistics.fragmentIds.dropFirst()).allSatisfy { $0 < $1 }
  }

  /// `left × right`, or nil when either is negative or the product overflows.
  package static func product(_ left: Int, _ right: Int) -> Int? {
    guard left >= 0, right >= 0 else { return nil }
    let (result, overflow) = left.multipliedReportingOverflow(by: right)
    return overflow ? nil : result
  }

  /// `left + right`, or nil when the sum overflows.
  package static func sum(_ left: Int, _ right: Int) -> Int? {
    let (result, overflow) = left.addingReportingOverflow(right)
    return overflow ? nil : result
  }

  /// Throws when any model value (centroid, codebook entry, quantizer range, stored vector) is
  /// NaN or infinite: distances to it would be NaN, and rows ranked by them silently vanish.
  /// - Parameter what: names the values in the message ("model floats", "vectors").
  package static func requireFinite(_ values: [Float], _ what: String, path: String) throws(IndexError) {
    guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return }
    throw IndexError(
      .corruptFile, "\(path): \(what) value \(bad) is \(values[bad]); every value must be finite")
  }

  /// Like `requireFinite(_:_:path:)` for raw little-endian float32 bytes.
  /// - Complexity: O(n), one branch-free pass (a float is NaN or infinite when its exponent bits
  ///   are all ones), then a search for the first bad value only when there is one.
  package static func requireFinite(floatBytes bytes: [UInt8], _ what: String, path: String)
    throws(IndexError)
  {
    let exponent: UInt32 = 0x7F80_0000
    let firstBad: Int? = bytes.withUnsafeBytes { raw in
      let count = raw.count / 4
      var anyBad = false
      for index in 0..<count {
        let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
        anyBad = anyBad || (bits & exponent) == exponent
      }
      guard anyBad else { return nil }
      return (0..<count).first {
        raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) & exponent == exponent
      }
    }
    guard let firstBad else { return }
    let value = bytes.withUnsafeBytes {
      Float(bitPattern: $0.loadUnaligned(fromByteOffset: firstBad * 4, as: UInt32.self))
    }
    throw IndexError(
      .corruptFile, "\(path): \(what) value \(firstBad) is \(value); every value must be finite")
  }

  /// Throws when a row id of `rowIds` belongs to a fragment `fragmentIDs` (ascending) does not
  /// list: the index files contradict their own metadata.
  /// - Complexity: O(n), with a binary search only when the fragment changes from one row to
  ///   the next.
  package static func requireListedFragments(
    _ rowIds: [UInt64], _ fragmentIDs: [UInt32], path: String
  ) throws(IndexError) {
    var lastListed: UInt32? = nil
    for rowId in rowIds {
      let fragment = RowID.fragmentID(rowId)
      if fragment == lastListed { continue }
      guard fragmentIDs.sortedPosition(of: fragment) != nil else {
        throw IndexError(
          .corruptFile,
          "\(path): row id \(rowId) is of fragment \(fragment), which the index metadata does "
            + "not list (\(fragmentIDs.count) fragments)")
      }
      lastListed = fragment
    }
  }
}
