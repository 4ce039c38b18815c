/// A compiled `LIKE` pattern: `%` matches any run of characters, `_` exactly one character
/// (Unicode scalar), and `\` makes the next character literal.
public struct LikePattern: Sendable, Hashable {
  enum Element: Sendable, Hashable {
    case byte(UInt8)
    case anyCharacter
    case anyRun
  }

  /// How the pattern is matched; simple shapes avoid the general matcher.
  enum Shape: Sendable, Hashable {
    case exact([UInt8])
    case prefix([UInt8])
    case suffix([UInt8])
    case contains([UInt8])
    case general([Element])
  }

  /// The pattern as written.
  public let pattern: String
  let shape: Shape

  /// Compiles a pattern.
  ///
  /// - Throws: `QueryError.syntaxError` if the pattern ends with a lone `\`; `position` is where
  ///   the pattern starts in the filter text.
  public init(_ pattern: String, position: Int = 1) throws(QueryError) {
    self.pattern = pattern
    var elements: [Element] = []
    var escaped = false
    for byte in pattern.utf8 {
      if escaped {
        elements.append(.byte(byte))
        escaped = false
        continue
      }
      switch byte {
      case UInt8(ascii: "\\"): escaped = true
      case UInt8(ascii: "%"): if elements.last != .anyRun { elements.append(.anyRun) }
      case UInt8(ascii: "_"): elements.append(.anyCharacter)
      default: elements.append(.byte(byte))
      }
    }
    if escaped {
      throw QueryError(
        .syntaxError, at: position, "LIKE pattern '\(pattern)' ends with an escape character '\\'")
    }
    shape = Self.shape(of: elements)
  }

  private static func shape(of elements: [Element]) -> Shape {
    func bytes(_ slice: ArraySlice<Element>) -> [UInt8]? {
      var result: [UInt8] = []
      for element in slice {
        guard case .byte(let byte) = element else { return nil }
        result.append(byte)
      }
      return result
    }
    let startsWithRun = elements.first == .anyRun
    let endsWithRun = elements.count > (startsWithRun ? 1 : 0) && elements.last == .anyRun
    let inner = elements[(startsWithRun ? 1 : 0)..<(elements.count - (endsWithRun ? 1 : 0))]
    if let literal = bytes(inner) {
      switch (startsWithRun, endsWithRun) {
      case (false, false): return .exact(literal)
      case (false, true): return .prefix(literal)
      case (true, false): return .suffix(literal)
      case (true, true): return .contains(literal)
      }
    }
    return .general(elements)
  }

  /// Whether `text` matches the whole pattern.
  public func matches(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { matches(utf8: $0) }
  }

  /// Whether the UTF-8 bytes match the whole pattern.
  /// - Complexity: O(n) for the simple shapes; O(n·m) worst case for general patterns.
  public func matches(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
    switch shape {
    case .exact(let literal):
      return text.count == literal.count && text.elementsEqual(literal)
    case .prefix(let literal):
      return text.count >= literal.count && text.prefix(literal.count).elementsEqual(literal)
    case .suffix(let literal):
      return text.count >= literal.count && text.suffix(literal.count).elementsEqual(literal)
    case .contains(let literal):
      return Self.find(literal, in: text, from: 0) != nil
    case .general(let elements):
      return Self.matchGeneral(elements, text)
    }
  }

  private static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from start: Int)
    -> Int?
  {
    guard !needle.isEmpty else { return start }
    guard text.count - start >= needle.count else { return nil }
    let first = needle[0]
    var index = start
    let last = text.count - needle.count
    while index <= last {
      if text[index] == first {
        var offset = 1
        while offset < needle.count && text[index + offset] == needle[offset] { offset += 1 }
        if offset == needle.count { return index }
      }
      index += 1
    }
    return nil
  }

  /// The length of the UTF-8 scalar starting with `lead`.
  private static func scalarLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0..<0xC0: 1
    case 0xC0..<0xE0: 2
    case 0xE0..<0xF0: 3
    default: 4
    }
  }

  /// Wildcard matching with one backtracking point (the last `%`), linear for most inputs.
  private static func matchGeneral(_ elements: [Element], _ text: UnsafeBufferPointer<UInt8>)
    -> Bool
  {
    var patternIndex = 0
    var textIndex = 0
    var runPattern = -1
    var runText = 0
    while textIndex < text.count {
      if patternIndex < elements.count {
        switch elements[patternIndex] {
        case .byte(let byte) where byte == text[textIndex]:
          patternIndex += 1
          textIndex += 1
          continue
        case .anyCharacter:
          patternIndex += 1
          textIndex = min(text.count, textIndex + scalarLength(text[textIndex]))
          continue
        case .anyRun:
          runPattern = patternIndex
          runText = textIndex
          patternIndex += 1
          continue
        default:
          break
        }
      }
      guard runPattern >= 0 else { return false }
      // Let the last % swallow one more character and retry from just after it.
      runText = min(text.count, runText + scalarLength(text[runText]))
      textIndex = runText
      patternIndex = runPattern + 1
    }
    while patternIndex < elements.count && elements[patternIndex] == .anyRun { patternIndex += 1 }
    return patternIndex == elements.count
  }
}
