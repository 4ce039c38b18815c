/// The semantic checks applied to index metadata after its checksum has been verified
/// (Docs/Format.md, "Validation on read"): sizes that sum without overflow, products of counts
/// that fit, and model values that are finite. A faulty writer can store numbers that pass the
/// checksum yet contradict each other; none of them may trap or drop rows silently.
enum IndexMetadataValidation {
  /// The sum of `sizes`, or nil when a size is negative or above 2³² − 1 (a partition's rows
  /// are addressed by 32-bit node ids) or the sum overflows.
  static func partitionSizesSum(_ sizes: [Int]) -> Int? {
    var total = 0
    for size in sizes {
      guard size >= 0, size <= Int(UInt32.max) else { return nil }
      let (sum, overflow) = total.addingReportingOverflow(size)
      guard !overflow else { return nil }
      total = sum
    }
    return total
  }

  /// `left × right`, or nil when either is negative or the product overflows.
  static func product(_ left: Int, _ right: Int) -> Int? {
    guard left >= 0, right >= 0 else { return nil }
    let (result, overflow) = left.multipliedReportingOverflow(by: right)
    return overflow ? nil : result
  }

  /// `left + right`, or nil when the sum overflows.
  static func sum(_ left: Int, _ right: Int) -> Int? {
    let (result, overflow) = left.addingReportingOverflow(right)
    return overflow ? nil : result
  }

  /// Throws when any model value (centroid, codebook entry, quantizer range, stored vector) is
  /// NaN or infinite: distances to it would be NaN, and rows ranked by them silently vanish.
  /// - Parameter what: names the values in the message ("model floats", "vectors").
  static func requireFinite(_ values: [Float], _ what: String, path: String) throws(IndexError) {
    guard let bad = values.firstIndex(where: { !$0.isFinite }) else { return }
    throw IndexError(
      .corruptFile, "\(path): \(what) value \(bad) is \(values[bad]); every value must be finite")
  }

  /// Like `requireFinite(_:_:path:)` for raw little-endian float32 bytes.
  static func requireFinite(floatBytes bytes: [UInt8], _ what: String, path: String)
    throws(IndexError)
  {
    let count = bytes.count / 4
    for index in 0..<count {
      let base = index * 4
      let bits =
        UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16
        | UInt32(bytes[base + 3]) << 24
      let value = Float(bitPattern: bits)
      guard value.isFinite else {
        throw IndexError(
          .corruptFile, "\(path): \(what) value \(index) is \(value); every value must be finite")
      }
    }
  }
}
