/// Conversions between calendar dates (proleptic Gregorian, UTC) and day / microsecond counts
/// since the Unix epoch, for `DATE` and `TIMESTAMP` literals.
enum CivilTime {
  /// Days from 1970-01-01 to the given date (negative before). Inputs must be valid.
  static func days(year: Int, month: Int, day: Int) -> Int {
    // Shift the year to start in March so the leap day is the year's last day.
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let monthFromMarch = (month + 9) % 12
    let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `days` after 1970-01-01.
  static func date(days: Int) -> (year: Int, month: Int, day: Int) {
    let shifted = days + 719_468
    let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
    let dayOfEra = shifted - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let monthFromMarch = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Parses `YYYY-MM-DD`; returns nil with a reason when it is not a valid date.
  static func parseDate(_ text: Substring) -> Result<Int, ParseFailure> {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    else { return .failure(ParseFailure("expected a date as YYYY-MM-DD, got '\(text)'")) }
    guard (1...12).contains(month) else {
      return .failure(ParseFailure("month \(month) is not in 1...12"))
    }
    guard (1...daysInMonth(year: year, month: month)).contains(day) else {
      return .failure(ParseFailure("day \(day) does not exist in \(year)-\(parts[1])"))
    }
    return .success(days(year: year, month: month, day: day))
  }

  /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][Z|±HH:MM]` as UTC microseconds.
  static func parseTimestamp(_ text: String) -> Result<Int64, ParseFailure> {
    var rest = Substring(text)
    let datePart = rest.prefix(10)
    let dayCount: Int
    switch parseDate(datePart) {
    case .success(let value): dayCount = value
    case .failure(let failure): return .failure(failure)
    }
    rest = rest.dropFirst(10)
    var micros = Int64(dayCount) * 86_400_000_000
    guard let separator = rest.first else { return .success(micros) }
    guard separator == " " || separator == "T" else {
      return .failure(ParseFailure("expected ' ' or 'T' after the date in '\(text)'"))
    }
    rest = rest.dropFirst()
    // Offset: a trailing Z or ±HH:MM.
    var offsetMinutes = 0
    if rest.last == "Z" || rest.last == "z" {
      rest = rest.dropLast()
    } else if rest.count > 6, let signIndex = rest.index(rest.endIndex, offsetBy: -6, limitedBy: rest.startIndex),
      rest[signIndex] == "+" || rest[signIndex] == "-"
    {
      let offsetText = rest[rest.index(after: signIndex)...]
      let pieces = offsetText.split(separator: ":")
      guard pieces.count == 2, let hours = Int(pieces[0]), let minutes = Int(pieces[1]),
        (0...23).contains(hours), (0...59).contains(minutes)
      else { return .failure(ParseFailure("invalid UTC offset '\(offsetText)' in '\(text)'")) }
      offsetMinutes = (hours * 60 + minutes) * (rest[signIndex] == "-" ? -1 : 1)
      rest = rest[..<signIndex]
    }
    let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 2 || clock.count == 3, clock[0].count == 2, clock[1].count == 2,
      let hour = Int(clock[0]), let minute = Int(clock[1])
    else { return .failure(ParseFailure("expected a time as HH:MM[:SS[.ffffff]] in '\(text)'")) }
    guard (0...23).contains(hour), (0...59).contains(minute) else {
      return .failure(ParseFailure("time \(clock[0]):\(clock[1]) is out of range in '\(text)'"))
    }
    var secondMicros: Int64 = 0
    if clock.count == 3 {
      let secondParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
      guard secondParts[0].count == 2, let second = Int(secondParts[0]), (0...59).contains(second),
        secondParts.count <= 2
      else { return .failure(ParseFailure("invalid seconds '\(clock[2])' in '\(text)'")) }
      secondMicros = Int64(second) * 1_000_000
      if secondParts.count == 2 {
        let fraction = secondParts[1]
        guard (1...6).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
          let value = Int64(fraction)
        else {
          return .failure(ParseFailure("fraction of a second must be 1 to 6 digits in '\(text)'"))
        }
        var scaled = value
        for _ in fraction.count..<6 { scaled *= 10 }
        secondMicros += scaled
      }
    }
    micros += Int64(hour) * 3_600_000_000 + Int64(minute) * 60_000_000 + secondMicros
    micros -= Int64(offsetMinutes) * 60_000_000
    return .success(micros)
  }

  /// `YYYY-MM-DD` for a day count.
  static func format(days: Int32) -> String {
    let (year, month, day) = date(days: Int(days))
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) for a microsecond count.
  static func format(microseconds: Int64) -> String {
    let perDay: Int64 = 86_400_000_000
    var dayCount = microseconds / perDay
    var within = microseconds % perDay
    if within < 0 {
      within += perDay
      dayCount -= 1
    }
    let seconds = within / 1_000_000
    let fraction = within % 1_000_000
    var text = format(days: Int32(clamping: dayCount))
    text += " \(pad(Int(seconds / 3600), 2)):\(pad(Int(seconds / 60 % 60), 2)):\(pad(Int(seconds % 60), 2))"
    if fraction != 0 { text += ".\(pad(Int(fraction), 6))" }
    return text
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count))
      + digits
  }

  /// Why a date or timestamp text was refused.
  struct ParseFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
  }
}
