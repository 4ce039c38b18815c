import Foundation

/// The one error type of QuiverObjectStore: a code to switch on, the bucket and key the request
/// named, the HTTP status when the server answered, and a message that says all of it.
public struct ObjectStoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong.
  public enum Code: Sendable, Equatable {
    /// The object does not exist (404 `NoSuchKey`, or 404 to a HEAD).
    case notFound
    /// A conditional write found an object already there (412 to `If-None-Match: *`).
    case alreadyExists
    /// The bucket does not exist (404 `NoSuchBucket`).
    case noSuchBucket
    /// The server refused the credentials or the signature (403: `InvalidAccessKeyId`,
    /// `SignatureDoesNotMatch`, `AccessDenied`, …).
    case accessDenied
    /// The server refused a body that does not match its `Content-MD5` (400 `BadDigest`): it
    /// did not arrive whole and intact, and nothing was stored.
    case bodyDigestMismatch
    /// A range outside the object (416).
    case invalidRange
    /// The server kept failing (5xx, throttling) until the retry policy gave up.
    case serverUnavailable
    /// No connection could be made or kept (refused, reset, timed out) until the retry policy
    /// gave up.
    case unreachable
    /// Any other answer the request cannot succeed with (4xx, or 200 with an `<Error>` body).
    case requestFailed
    /// The server's answer could not be understood (a malformed listing, a missing header).
    case invalidResponse
    /// The configuration cannot make requests (no credentials, a malformed endpoint URL).
    case invalidConfiguration
  }

  /// What went wrong.
  public var code: Code
  /// The bucket the request named.
  public var bucket: String
  /// The object key, or the prefix of a listing; empty when the request named none.
  public var key: String
  /// The HTTP status of the last answer, or nil when no answer came.
  public var status: Int?
  /// The S3 error code of the answer's body (`NoSuchKey`, `SlowDown`, …), when there was one.
  public var serverCode: String?
  /// How many tries were made.
  public var attempts: Int
  /// The whole story in one line: operation, `s3://bucket/key`, status, server code, tries.
  public var message: String

  /// An error; `message` is built from the other fields and `detail`.
  public init(
    _ code: Code, operation: String, bucket: String, key: String, status: Int? = nil,
    serverCode: String? = nil, attempts: Int = 1, detail: String
  ) {
    self.code = code
    self.bucket = bucket
    self.key = key
    self.status = status
    self.serverCode = serverCode
    self.attempts = attempts
    var text = "\(operation) s3://\(bucket)/\(key): \(detail)"
    if let status { text += " (HTTP \(status)\(serverCode.map { " \($0)" } ?? ""))" }
    if attempts > 1 { text += " after \(attempts) tries" }
    message = text
  }

  /// The message.
  public var description: String { message }
}

extension ObjectStoreError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}
