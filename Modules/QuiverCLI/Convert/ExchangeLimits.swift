/// Bounds on what the text exchange readers (CSV, JSON Lines) hold at once, so that memory stays
/// bounded whatever a file contains: a record is at most `maximumRecordBytes` long with at most
/// `maximumColumns` fields, and the records buffered for type inference or for one batch take
/// at most `maximumBufferedBytes` of input.
enum ExchangeLimits {
  /// The longest record (a CSV record or a JSON line), in bytes of input.
  static let maximumRecordBytes = 16 << 20
  /// The most fields one record may have (and so the most columns a file may declare).
  static let maximumColumns = 65_536
  /// The most bytes of input held as parsed records at once: the type-inference sample or one
  /// batch stops early when it is reached.
  static let maximumBufferedBytes = 64 << 20

  /// "16 MiB": a byte count in whole mebibytes, for messages.
  static func mebibytes(_ count: Int) -> String { "\(count >> 20) MiB" }
}
