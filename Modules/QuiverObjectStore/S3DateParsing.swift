import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The two date forms S3 answers with: ISO 8601 in listings (`2026-11-29T09:11:44.000Z`) and
/// RFC 1123 in `Last-Modified` headers (`Sun, 29 Nov 2026 09:11:44 GMT`). Both are UTC.
enum S3DateParsing {
  /// The date of `2026-11-29T09:11:44.000Z` (fraction optional), or nil when malformed.
  static func iso8601(_ text: String) -> Date? {
    let fields = text.split(whereSeparator: { "-T:.Z".contains($0) })
    guard fields.count >= 6, let year = Int(fields[0]), let month = Int(fields[1]),
      let day = Int(fields[2]), let hour = Int(fields[3]), let minute = Int(fields[4]),
      let second = Int(fields[5])
    else { return nil }
    var fraction = 0.0
    if fields.count > 6, let digits = Double("0." + fields[6]) { fraction = digits }
    return date(year, month, day, hour, minute, second).map { $0.addingTimeInterval(fraction) }
  }

  /// The date of `Sun, 29 Nov 2026 09:11:44 GMT`, or nil when malformed.
  static func rfc1123(_ text: String) -> Date? {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    let fields = text.split(whereSeparator: { " ,:".contains($0) })
    guard fields.count >= 7, let day = Int(fields[1]),
      let monthIndex = months.firstIndex(of: String(fields[2])), let year = Int(fields[3]),
      let hour = Int(fields[4]), let minute = Int(fields[5]), let second = Int(fields[6])
    else { return nil }
    return date(year, monthIndex + 1, day, hour, minute, second)
  }

  private static func date(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int
  ) -> Date? {
    guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
      (0...59).contains(minute), (0...60).contains(second), (1970...9999).contains(year)
    else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
  }
}
