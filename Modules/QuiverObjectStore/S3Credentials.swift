/// The secret that signs requests: an access key id and secret access key, plus the session token
/// of temporary credentials.
public struct S3Credentials: Sendable, Equatable {
  /// The access key id (`AWS_ACCESS_KEY_ID`), sent in every request's `Authorization` header.
  public var accessKeyID: String
  /// The secret access key (`AWS_SECRET_ACCESS_KEY`); never sent, only used to derive signing keys.
  public var secretAccessKey: String
  /// The session token of temporary credentials (`AWS_SESSION_TOKEN`), sent as
  /// `x-amz-security-token` and signed.
  public var sessionToken: String?

  /// Credentials given explicitly.
  public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
    self.accessKeyID = accessKeyID
    self.secretAccessKey = secretAccessKey
    self.sessionToken = sessionToken
  }
}
