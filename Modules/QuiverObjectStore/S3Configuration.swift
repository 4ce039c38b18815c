import Foundation

/// Where an S3-compatible server is and how to talk to it: endpoint, region, credentials,
/// addressing style and retry policy.
public struct S3Configuration: Sendable, Equatable {
  /// `http` or `https`.
  public let scheme: String
  /// The endpoint's host name or address, without the bucket.
  public let host: String
  /// The endpoint's port, or nil for the scheme's default.
  public let port: Int?
  /// The region requests are signed for (`us-east-1` unless set).
  public var region: String
  /// The keys that sign requests.
  public var credentials: S3Credentials
  /// How requests name the bucket.
  public var addressingStyle: S3AddressingStyle
  /// When failed requests are tried again.
  public var retryPolicy: S3RetryPolicy

  /// A configuration given in full.
  ///
  /// - Parameters:
  ///   - endpoint: the server's URL, such as `http://127.0.0.1:8333`; nil means AWS
  ///     (`https://s3.<region>.amazonaws.com`).
  ///   - region: the signing region.
  ///   - credentials: the keys.
  ///   - addressingStyle: nil picks path-style for an explicit endpoint (what S3-compatible
  ///     servers expect) and virtual-hosted style for AWS.
  ///   - retryPolicy: when failed requests are retried.
  /// - Throws: `ObjectStoreError` `.invalidConfiguration` when the endpoint is not an http(s) URL
  ///   with a host and no path.
  public init(
    endpoint: String? = nil, region: String = "us-east-1", credentials: S3Credentials,
    addressingStyle: S3AddressingStyle? = nil, retryPolicy: S3RetryPolicy = S3RetryPolicy()
  ) throws {
    let text = endpoint ?? "https://s3.\(region).amazonaws.com"
    guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
      url.path.isEmpty || url.path == "/", url.query == nil
    else {
      throw ObjectStoreError(
        .invalidConfiguration, operation: "configure", bucket: "", key: "",
        detail: "the endpoint '\(text)' is not an http(s) URL with a host and no path")
    }
    self.scheme = scheme
    self.host = host
    self.port = url.port
    self.region = region
    self.credentials = credentials
    self.addressingStyle = addressingStyle ?? (endpoint == nil ? .virtualHosted : .path)
    self.retryPolicy = retryPolicy
  }

  /// A configuration from the standard variables, each overridden by the argument given:
  /// `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, `AWS_REGION` or `AWS_DEFAULT_REGION`,
  /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
  ///
  /// - Throws: `ObjectStoreError` `.invalidConfiguration` when no credentials are given or set,
  ///   or the endpoint is malformed.
  public static func fromEnvironment(
    _ environment: [String: String] = ProcessInfo.processInfo.environment,
    endpoint: String? = nil, region: String? = nil, credentials: S3Credentials? = nil,
    addressingStyle: S3AddressingStyle? = nil, retryPolicy: S3RetryPolicy = S3RetryPolicy()
  ) throws -> S3Configuration {
    func variable(_ name: String) -> String? {
      guard let value = environment[name], !value.isEmpty else { return nil }
      return value
    }
    let keys: S3Credentials
    if let credentials {
      keys = credentials
    } else if let id = variable("AWS_ACCESS_KEY_ID"), let secret = variable("AWS_SECRET_ACCESS_KEY") {
      keys = S3Credentials(
        accessKeyID: id, secretAccessKey: secret, sessionToken: variable("AWS_SESSION_TOKEN"))
    } else {
      throw ObjectStoreError(
        .invalidConfiguration, operation: "configure", bucket: "", key: "",
        detail: "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or pass them")
    }
    return try S3Configuration(
      endpoint: endpoint ?? variable("AWS_ENDPOINT_URL_S3") ?? variable("AWS_ENDPOINT_URL"),
      region: region ?? variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? "us-east-1",
      credentials: keys, addressingStyle: addressingStyle, retryPolicy: retryPolicy)
  }

  /// The `Host` header and the URL path of a request for `key` in `bucket` (key not encoded;
  /// empty for a bucket-level request).
  func address(bucket: String, key: String) -> (host: String, encodedPath: String) {
    let hostWithPort = port.map { "\(host):\($0)" } ?? host
    switch addressingStyle {
    case .path:
      let path = "/" + S3URIEncoding.encode(bucket)
      return (hostWithPort, key.isEmpty ? path : path + "/" + S3URIEncoding.encodePath(key))
    case .virtualHosted:
      return ("\(bucket).\(hostWithPort)", "/" + S3URIEncoding.encodePath(key))
    }
  }
}
