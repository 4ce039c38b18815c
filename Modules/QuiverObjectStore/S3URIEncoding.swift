/// Percent-encoding as Signature V4 and S3 require it (RFC 3986: everything but the unreserved
/// characters `A–Z a–z 0–9 - . _ ~` is encoded, as `%XX` with upper-case hex digits).
enum S3URIEncoding {
  /// Encodes `text` for a query name or value, or for one path segment (`/` is encoded too).
  static func encode(_ text: String) -> String {
    encode(text, keepingSlashes: false)
  }

  /// Encodes an object key for the URI path: every segment encoded, the `/` between them kept.
  static func encodePath(_ text: String) -> String {
    encode(text, keepingSlashes: true)
  }

  private static func encode(_ text: String, keepingSlashes: Bool) -> String {
    let hexDigits = Array("0123456789ABCDEF".utf8)
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        output.append(byte)
      case UInt8(ascii: "/") where keepingSlashes:
        output.append(byte)
      default:
        output.append(UInt8(ascii: "%"))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0F)])
      }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
