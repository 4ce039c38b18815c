import Foundation
import Quiver
import QuiverObjectStore
import QuiverS3
import QuiverStorage
import QuiverTestSupport
import Testing

/// Where the tests of this target put their databases: a local folder, and the SeaweedFS
/// bucket that scripts/test starts (scripts/s3-server), without and with a local cache.
///
/// The S3 cases need `QUIVER_TEST_S3_ENDPOINT` (and the bucket and keys scripts/s3-server
/// prints); without it they are left out with a message, except under `CI=true`, where they
/// run and fail, so CI never skips them silently.
enum TableBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
  case local
  case s3
  case s3Cached

  private static let environment = ProcessInfo.processInfo.environment

  /// Whether the S3 test server is there (or must be, on CI).
  static let serverIsConfigured =
    environment["QUIVER_TEST_S3_ENDPOINT"] != nil || environment["CI"] == "true"

  /// The local back end, plus the S3 ones when the server is configured.
  static var available: [TableBackend] { serverIsConfigured ? allCases : [.local] }

  /// The message of a test left out for want of a server.
  static let missingServer: Comment =
    "no S3 test server: run `eval \"$(scripts/s3-server start)\"` first, or scripts/test"

  /// The test server's bucket.
  static var bucket: String { environment["QUIVER_TEST_S3_BUCKET"] ?? "quiver-test" }

  /// The test server's endpoint (`http://127.0.0.1:8333`).
  static var endpoint: String { environment["QUIVER_TEST_S3_ENDPOINT"] ?? "" }

  var testDescription: String { rawValue }

  /// A new `s3://` URI under a prefix no other test uses.
  static func uniqueURI(_ name: String) -> String {
    "s3://\(bucket)/tests/\(name)-\(UUID().uuidString.lowercased())"
  }

  /// Options reaching the test server (endpoint from `QUIVER_TEST_S3_ENDPOINT`, keys from the
  /// AWS variables), caching under `cacheDirectory` if given.
  static func options(
    cacheDirectory: String? = nil, readConsistencyInterval: Duration? = nil,
    retryPolicy: S3RetryPolicy = S3RetryPolicy()
  ) -> S3DatabaseOptions {
    S3DatabaseOptions(
      endpoint: endpoint, retryPolicy: retryPolicy,
      storage: S3StorageOptions(cacheDirectory: cacheDirectory),
      readConsistencyInterval: readConsistencyInterval)
  }

  /// Runs `body` with a new, empty database of this back end and its URI; local folders are
  /// removed afterwards (S3 prefixes are unique per run and left to the server's lifetime).
  func withDatabase<Result>(
    readConsistencyInterval: Duration? = nil, _ body: (Database, String) throws -> Result
  ) throws -> Result {
    let folder = try TestPaths.temporaryDirectory("s3tables")
    defer { try? FileManager.default.removeItem(at: folder) }
    let uri: String
    var options = Self.options(readConsistencyInterval: readConsistencyInterval)
    switch self {
    case .local:
      uri = folder.appendingPathComponent("db").path
    case .s3:
      uri = Self.uniqueURI("db")
    case .s3Cached:
      uri = Self.uniqueURI("db")
      options.storage.cacheDirectory = folder.appendingPathComponent("cache").path
    }
    return try body(try Database(uri: uri, options: options), uri)
  }
}
