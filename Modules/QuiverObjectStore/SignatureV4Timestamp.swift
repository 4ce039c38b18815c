#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The moment a request is signed, in the two forms Signature V4 uses: `20130524T000000Z`
/// (`x-amz-date`) and `20130524` (the credential scope's date).
struct SignatureV4Timestamp: Sendable, Equatable {
  /// `YYYYMMDD'T'HHMMSS'Z'`, UTC.
  let dateTime: String

  /// `YYYYMMDD`, UTC: the first eight characters of `dateTime`.
  var date: Substring { dateTime.prefix(8) }

  /// The timestamp of `secondsSince1970` (UTC, whole seconds).
  init(secondsSince1970: Int) {
    var time = time_t(secondsSince1970)
    var parts = tm()
    gmtime_r(&time, &parts)
    func digits(_ value: Int32, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    dateTime =
      digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2)
      + "T" + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + "Z"
  }

  /// The current time.
  static func now() -> SignatureV4Timestamp {
    SignatureV4Timestamp(secondsSince1970: Int(time(nil)))
  }
}
