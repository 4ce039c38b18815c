/// The small subset of Python literal syntax found in `.npy` headers: a dict of string keys whose
/// values are strings, `True`/`False`, or tuples of non-negative integers.
enum PythonLiteral: Sendable, Hashable {
  case string(String)
  case bool(Bool)
  case tuple([Int])

  /// Why a literal does not parse.
  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  /// Parses `{key: value, ...}` (a trailing comma allowed).
  static func parseDictionary(_ text: String) -> Result<[String: PythonLiteral], ParseError> {
    var scanner = Scanner(characters: Array(text))
    do {
      return .success(try scanner.dictionary())
    } catch let error as ParseError {
      return .failure(error)
    } catch {
      return .failure(ParseError(description: "\(error)"))
    }
  }

  private struct Scanner {
    var characters: [Character]
    var position = 0

    mutating func skipSpace() {
      while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    mutating func expect(_ character: Character) throws {
      skipSpace()
      guard position < characters.count, characters[position] == character else {
        throw ParseError(description: "expected '\(character)' at character \(position)")
      }
      position += 1
    }

    mutating func consume(_ character: Character) -> Bool {
      skipSpace()
      if position < characters.count, characters[position] == character {
        position += 1
        return true
      }
      return false
    }

    mutating func dictionary() throws -> [String: PythonLiteral] {
      try expect("{")
      var result: [String: PythonLiteral] = [:]
      while !consume("}") {
        let key = try string()
        try expect(":")
        result[key] = try value()
        if !consume(",") {
          try expect("}")
          break
        }
      }
      return result
    }

    mutating func string() throws -> String {
      skipSpace()
      guard position < characters.count, characters[position] == "'" || characters[position] == "\""
      else { throw ParseError(description: "expected a string at character \(position)") }
      let quote = characters[position]
      position += 1
      var value = ""
      while position < characters.count, characters[position] != quote {
        value.append(characters[position])
        position += 1
      }
      guard position < characters.count else {
        throw ParseError(description: "unterminated string")
      }
      position += 1
      return value
    }

    mutating func value() throws -> PythonLiteral {
      skipSpace()
      guard position < characters.count else { throw ParseError(description: "missing value") }
      switch characters[position] {
      case "'", "\"": return .string(try string())
      case "(":
        position += 1
        var items: [Int] = []
        while !consume(")") {
          skipSpace()
          var digits = ""
          while position < characters.count, characters[position].isASCII,
            characters[position].isNumber
          {
            digits.append(characters[position])
            position += 1
          }
          // NumPy writes Python ints; a suffix such as `L` came from Python 2.
          if position < characters.count, characters[position] == "L" { position += 1 }
          guard let item = Int(digits) else {
            throw ParseError(description: "expected an integer at character \(position)")
          }
          items.append(item)
          if !consume(",") {
            try expect(")")
            break
          }
        }
        return .tuple(items)
      default:
        for (word, value) in [("True", true), ("False", false)]
        where characters[position...].starts(with: word) {
          position += word.count
          return .bool(value)
        }
        throw ParseError(description: "unexpected '\(characters[position])' at character \(position)")
      }
    }
  }
}
