import Foundation
import QuiverObjectStore
import Testing

/// The SeaweedFS server that scripts/test starts for the whole run (scripts/s3-server), found
/// through the variables it exports. Without them the S3 suites are skipped with a message —
/// except on CI (`CI=true`), where they run and fail, so a missing server is never silent.
enum S3TestServer {
  private static let environment = ProcessInfo.processInfo.environment

  /// Whether the suites that need the server run.
  static let isEnabled = environment["QUIVER_TEST_S3_ENDPOINT"] != nil || environment["CI"] == "true"

  /// Why they are skipped.
  static let skipReason: Comment =
    "no S3 test server: run `eval \"$(scripts/s3-server start)\"` first, or scripts/test"

  /// The bucket the server created.
  static var bucket: String { environment["QUIVER_TEST_S3_BUCKET"] ?? "quiver-test" }

  /// The server's configuration (endpoint and credentials from the exported variables).
  static func configuration(
    credentials: S3Credentials? = nil, retryPolicy: S3RetryPolicy = S3RetryPolicy()
  ) throws -> S3Configuration {
    guard let endpoint = environment["QUIVER_TEST_S3_ENDPOINT"] else {
      throw ObjectStoreError(
        .invalidConfiguration, operation: "test", bucket: bucket, key: "",
        detail: "QUIVER_TEST_S3_ENDPOINT is not set: scripts/test starts the server")
    }
    return try S3Configuration.fromEnvironment(
      endpoint: endpoint, credentials: credentials, retryPolicy: retryPolicy)
  }

  /// A client of the test bucket.
  static func client() throws -> S3Client {
    S3Client(bucket: bucket, configuration: try configuration())
  }

  /// A fresh key prefix, so tests never see each other's objects: `tests/NAME-UUID/`.
  static func uniquePrefix(_ name: String) -> String {
    "tests/\(name)-\(UUID().uuidString)/"
  }
}
