import Crypto

/// AWS Signature Version 4 (header-based, `AWS4-HMAC-SHA256`): the canonical request, the string
/// to sign, the derived signing key and the `Authorization` header.
///
/// The caller gives the headers to sign (at least `host` and `x-amz-date`; for S3 also
/// `x-amz-content-sha256`), already holding the values it will send. The path must already be
/// percent-encoded once (S3 does not encode it twice, unlike the other AWS services); query
/// parameters are given raw and encoded here.
struct SignatureV4Signer: Sendable {
  /// The keys.
  let credentials: S3Credentials
  /// The region of the credential scope, such as `us-east-1`.
  let region: String
  /// The service of the credential scope: `s3`.
  let service: String

  /// The hex SHA-256 of the empty payload.
  static let emptyPayloadHash = hexSHA256([])

  /// One signed request's parts, kept for tests and error reports.
  struct Signature: Sendable {
    /// The canonical request (method, path, query, headers, signed header names, payload hash).
    let canonicalRequest: String
    /// `AWS4-HMAC-SHA256`, timestamp, scope and the canonical request's hash.
    let stringToSign: String
    /// The hex HMAC of the string to sign.
    let signature: String
    /// The `Authorization` header value.
    let authorization: String
  }

  /// Signs one request.
  ///
  /// - Parameters:
  ///   - method: the HTTP method, such as `GET`.
  ///   - encodedPath: the URI path, percent-encoded once (`/bucket/a%20b`).
  ///   - query: the query parameters, not encoded.
  ///   - headers: the headers to sign, with the values that will be sent.
  ///   - payloadHash: the hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
  ///   - timestamp: the same moment as the `x-amz-date` header.
  func sign(
    method: String, encodedPath: String, query: [(name: String, value: String)],
    headers: [(name: String, value: String)], payloadHash: String,
    timestamp: SignatureV4Timestamp
  ) -> Signature {
    let canonicalQuery =
      query
      .map { (S3URIEncoding.encode($0.name), S3URIEncoding.encode($0.value)) }
      .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
      .map { "\($0.0)=\($0.1)" }
      .joined(separator: "&")
    // Header names are lower-cased and sorted; repeated names join their values with commas.
    var valuesByName: [String: [String]] = [:]
    for header in headers {
      valuesByName[header.name.lowercased(), default: []].append(Self.trimmed(header.value))
    }
    let names = valuesByName.keys.sorted()
    let canonicalHeaders = names.map { "\($0):\(valuesByName[$0, default: []].joined(separator: ","))\n" }
      .joined()
    let signedHeaders = names.joined(separator: ";")
    let path = encodedPath.isEmpty ? "/" : encodedPath
    let canonicalRequest = [
      method, path, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash,
    ].joined(separator: "\n")

    let scope = "\(timestamp.date)/\(region)/\(service)/aws4_request"
    let stringToSign = [
      "AWS4-HMAC-SHA256", timestamp.dateTime, scope,
      Self.hexSHA256(Array(canonicalRequest.utf8)),
    ].joined(separator: "\n")

    var key = Self.hmac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), timestamp.date)
    key = Self.hmac(key: key, region)
    key = Self.hmac(key: key, service)
    key = Self.hmac(key: key, "aws4_request")
    let signature = Self.hex(Self.hmac(key: key, stringToSign))
    let authorization =
      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
      + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    return Signature(
      canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
      authorization: authorization)
  }

  /// The lower-case hex SHA-256 of `bytes`.
  static func hexSHA256(_ bytes: [UInt8]) -> String {
    hex(Array(SHA256.hash(data: bytes)))
  }

  private static func hmac(key: [UInt8], _ message: some StringProtocol) -> [UInt8] {
    Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count * 2)
    for byte in bytes {
      output.append(digits[Int(byte >> 4)])
      output.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Leading and trailing spaces removed and runs of spaces inside collapsed to one.
  private static func trimmed(_ value: String) -> String {
    value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
  }
}
