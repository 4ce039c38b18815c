/// How a request names its bucket.
public enum S3AddressingStyle: Sendable, Equatable {
  /// `http://endpoint/bucket/key`: what S3-compatible servers (SeaweedFS, MinIO) expect.
  case path
  /// `https://bucket.endpoint/key`: AWS's default.
  case virtualHosted
}
