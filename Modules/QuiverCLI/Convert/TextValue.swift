/// Parsing of scalar and list values written as text in CSV and JSON files.
enum TextValue {
  /// `true` / `false` in any letter case (Python writes `True` / `False`).
  static func bool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true": return true
    case "false": return false
    default: return nil
    }
  }

  /// A float32, correctly rounded from its decimal text (so text printed from a float32 or from
  /// the same value widened to float64 reads back as the same bits).
  /// A numeral too large for float32 (`1e39`) is nil, not infinity; `inf` and `nan` written as
  /// words are read as such.
  static func float(_ text: some StringProtocol) -> Float? {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty, let value = Float(trimmed) else { return nil }
    return value.isInfinite && !spellsInfinity(trimmed) ? nil : value
  }

  /// A float64 from its decimal text; a numeral too large for float64 (`1e400`) is nil.
  static func double(_ text: String) -> Double? {
    let trimmed = text.trimmingSpaces()
    guard !trimmed.isEmpty, let value = Double(trimmed) else { return nil }
    return value.isInfinite && !spellsInfinity(trimmed) ? nil : value
  }

  /// Whether `text` names infinity as a word (`inf`, `-Infinity`) rather than as a numeral that
  /// overflowed: numerals hold no letter i.
  private static func spellsInfinity(_ text: some StringProtocol) -> Bool {
    text.contains { $0 == "i" || $0 == "I" }
  }

  /// The element texts of a list written `[a, b, c]` (JSON array syntax), or nil when `text` is
  /// not bracketed. `[]` is an empty list.
  static func list(_ text: String) -> [Substring]? {
    let trimmed = text.trimmingSpaces()
    guard trimmed.first == "[", trimmed.last == "]" else { return nil }
    let inner = trimmed.dropFirst().dropLast()
    if inner.allSatisfy(\.isWhitespace) { return [] }
    return inner.split(separator: ",", omittingEmptySubsequences: false).map {
      Substring($0.trimmingSpaces())
    }
  }
}

extension StringProtocol {
  /// The text without leading and trailing spaces, tabs and line breaks.
  fileprivate func trimmingSpaces() -> SubSequence {
    var start = startIndex
    var end = endIndex
    while start < end, self[start].isWhitespace { start = index(after: start) }
    while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
    return self[start..<end]
  }
}
