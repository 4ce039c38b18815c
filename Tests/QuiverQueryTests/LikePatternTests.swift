import QuiverKernels
import QuiverQuery
import QuiverTestSupport
import Testing

/// A slow, obviously right LIKE matcher over characters (Unicode scalars), for comparison.
private func referenceMatch(_ pattern: String, _ text: String) -> Bool {
  enum Piece: Equatable { case literal(Unicode.Scalar), one, run }
  var pieces: [Piece] = []
  var escaped = false
  for scalar in pattern.unicodeScalars {
    if escaped {
      pieces.append(.literal(scalar))
      escaped = false
    } else if scalar == "\\" {
      escaped = true
    } else if scalar == "%" {
      pieces.append(.run)
    } else if scalar == "_" {
      pieces.append(.one)
    } else {
      pieces.append(.literal(scalar))
    }
  }
  let scalars = Array(text.unicodeScalars)
  // matches[i][j]: pieces[i...] match scalars[j...]
  var matches = Array(
    repeating: Array(repeating: false, count: scalars.count + 1), count: pieces.count + 1)
  matches[pieces.count][scalars.count] = true
  for i in stride(from: pieces.count - 1, through: 0, by: -1) {
    for j in stride(from: scalars.count, through: 0, by: -1) {
      switch pieces[i] {
      case .run: matches[i][j] = matches[i + 1][j] || (j < scalars.count && matches[i][j + 1])
      case .one: matches[i][j] = j < scalars.count && matches[i + 1][j + 1]
      case .literal(let scalar):
        matches[i][j] = j < scalars.count && scalars[j] == scalar && matches[i + 1][j + 1]
      }
    }
  }
  return matches[0][0]
}

@Suite struct LikePatternTests {
  @Test(arguments: [
    ("abc", "abc", true), ("abc", "abcd", false), ("abc", "ab", false),
    ("a%", "a", true), ("a%", "abc", true), ("a%", "ba", false),
    ("%c", "abc", true), ("%c", "cb", false),
    ("%b%", "abc", true), ("%b%", "ac", false), ("%", "", true), ("", "", true), ("", "a", false),
    ("a_c", "abc", true), ("a_c", "ac", false), ("a_c", "aéc", true), ("___", "✓✓✓", true),
    ("a%b%c", "aXbYc", true), ("a%b%c", "aXcYb", false), ("%a%a%", "banana", true),
    ("50\\%", "50%", true), ("50\\%", "500", false), ("a\\_b", "a_b", true), ("a\\_b", "axb", false),
    ("%%x", "x", true), ("_%_", "ab", true), ("_%_", "a", false),
  ])
  func matchesLikeSQL(pattern: String, text: String, expected: Bool) throws {
    #expect(try LikePattern(pattern).matches(text) == expected)
    #expect(referenceMatch(pattern, text) == expected)
  }

  @Test func randomPatternsAgreeWithTheReference() throws {
    var generator = SeededGenerator(seed: 42)
    let alphabet: [Character] = ["a", "b", "é", "%", "_"]
    let textAlphabet: [Character] = ["a", "b", "é"]
    for _ in 0..<4000 {
      let pattern = String(
        (0..<Int.random(in: 0...6, using: &generator)).map { _ in
          alphabet.randomElement(using: &generator)!
        })
      let text = String(
        (0..<Int.random(in: 0...8, using: &generator)).map { _ in
          textAlphabet.randomElement(using: &generator)!
        })
      #expect(
        try LikePattern(pattern).matches(text) == referenceMatch(pattern, text),
        "'\(text)' LIKE '\(pattern)'")
    }
  }
}
