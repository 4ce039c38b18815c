/// The most bytes a reader makes, for one column of one Parquet row group or Arrow record
/// batch, that the file does not store one for one: dictionary entries repeated by their
/// indices, zero-filled room for null vectors. A few bytes of indices or of validity bits can
/// otherwise ask for terabytes (a 1 MB dictionary entry repeated by a million indices), so the
/// size is computed and checked before anything is allocated (Docs/Exchange.md, "Hostile
/// footers").
enum ExpandedBytesLimit {
  /// 1 GiB: far above what real files expand to per row group; a file that needs more can be
  /// written with smaller row groups or batches.
  static let maximumBytes = 1 << 30

  /// Throws unless `bytes` (nil: the computation overflowed) is at most `maximumBytes`.
  /// - Parameters:
  ///   - what: names what would be made, for the message ("dictionary values").
  ///   - context: the file and the place in it ("FILE: row group 0, column 's', page 1").
  /// - Throws: `ExchangeError.exceedsLimit` naming `context`, `what` and both sizes.
  static func require(_ bytes: Int?, _ what: String, context: String) throws(ExchangeError) {
    if let bytes, bytes <= maximumBytes { return }
    let size = bytes.map { "at least \($0) bytes" } ?? "more than 2^63 bytes"
    throw ExchangeError(
      .exceedsLimit,
      "\(context): \(what) would take \(size), more than the \(maximumBytes >> 20) MiB a reader "
        + "makes for one column of one row group or batch")
  }
}
