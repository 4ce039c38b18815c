import Crypto
import NIOHTTP1

/// One request before it is signed: what a retry re-signs and sends again.
struct S3Request: Sendable {
  /// The HTTP method.
  var method: HTTPMethod
  /// The operation's name for error messages (`GET`, `PUT`, `LIST`, `UPLOAD PART`, …).
  var operation: String
  /// The object key (not encoded); empty for bucket-level requests.
  var key: String
  /// Query parameters, not encoded.
  var query: [(name: String, value: String)] = []
  /// Headers beyond the signed defaults (`Range`, `If-None-Match`, …); they are signed too.
  var headers: [(name: String, value: String)] = []
  /// The body, or nil for none; `setBody(_:)` sets it with its digest.
  private(set) var body: [UInt8]?
  /// The MD5 of the body, sent (and signed) as `Content-MD5`: the server stores the body only
  /// if all of it arrived intact, so a writer killed mid-PUT leaves no short object behind.
  var bodyMD5: [UInt8]?

  /// A request without a body.
  init(method: HTTPMethod, operation: String, key: String) {
    self.method = method
    self.operation = operation
    self.key = key
  }

  /// Sets the body and its MD5.
  /// - Complexity: O(`bytes.count`).
  mutating func setBody(_ bytes: [UInt8]) {
    body = bytes
    bodyMD5 = Array(Insecure.MD5.hash(data: bytes))
  }
}

/// One answer: status, headers and the whole body.
struct S3Response: Sendable {
  /// The HTTP status code.
  var status: Int
  /// The response headers.
  var headers: HTTPHeaders
  /// The body, read whole.
  var body: [UInt8]
}
