/// Just enough XML for S3's answers (listings, multipart results, error bodies): the text of
/// elements by name, in document order. S3's elements carry no attributes that matter and nest
/// only by name, so a scan for `<Name>…</Name>` is exact for them.
struct S3XMLDocument: Sendable {
  private let text: Substring

  /// A document over `bytes` (UTF-8).
  init(_ bytes: [UInt8]) {
    text = Substring(String(decoding: bytes, as: UTF8.self))
  }

  private init(text: Substring) {
    self.text = text
  }

  /// Every `<name>…</name>` element directly or deeply inside, each as a document of its own.
  func elements(_ name: String) -> [S3XMLDocument] {
    var found: [S3XMLDocument] = []
    var rest = text[...]
    let open = "<\(name)"
    let close = "</\(name)>"
    while let start = rest.firstRange(of: open) {
      // The name must end here: `<Key>`, `<Key attribute="…">` or `<Key/>`, not `<KeyMarker>`.
      guard start.upperBound < rest.endIndex else { break }
      guard " >/".contains(rest[start.upperBound]),
        let tagEnd = rest[start.upperBound...].firstIndex(of: ">")
      else {
        rest = rest[start.upperBound...]
        continue
      }
      let afterOpen = rest.index(after: tagEnd)
      if rest[rest.index(before: tagEnd)] == "/" {
        found.append(S3XMLDocument(text: rest[afterOpen..<afterOpen]))
        rest = rest[afterOpen...]
        continue
      }
      guard let end = rest[afterOpen...].firstRange(of: close) else { break }
      found.append(S3XMLDocument(text: rest[afterOpen..<end.lowerBound]))
      rest = rest[end.upperBound...]
    }
    return found
  }

  /// The decoded text of the first `<name>` element, or nil when there is none.
  func value(_ name: String) -> String? {
    elements(name).first.map(\.decodedText)
  }

  /// The text with the five predefined entities and numeric character references replaced.
  var decodedText: String {
    guard text.contains("&") else { return String(text) }
    var output = ""
    var rest = text[...]
    while let ampersand = rest.firstIndex(of: "&") {
      output += rest[..<ampersand]
      guard let semicolon = rest[ampersand...].firstIndex(of: ";") else { break }
      let entity = rest[rest.index(after: ampersand)..<semicolon]
      switch entity {
      case "amp": output += "&"
      case "lt": output += "<"
      case "gt": output += ">"
      case "quot": output += "\""
      case "apos": output += "'"
      default:
        let scalar: Unicode.Scalar?
        if entity.hasPrefix("#x") {
          scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
        } else if entity.hasPrefix("#") {
          scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
        } else {
          scalar = nil
        }
        output += scalar.map { String(Character($0)) } ?? "&\(entity);"
      }
      rest = rest[rest.index(after: semicolon)...]
    }
    return output + rest
  }

  /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for request bodies.
  static func escaped(_ text: String) -> String {
    var output = ""
    for character in text {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&apos;"
      default: output.append(character)
      }
    }
    return output
  }
}
