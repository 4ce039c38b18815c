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
  /// The body, or nil for none.
  var body: [UInt8]? = nil
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
