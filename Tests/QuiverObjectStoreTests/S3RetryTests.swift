import Foundation
import NIOCore
import Testing

@testable import QuiverObjectStore

/// Retries and their limits, against a scripted server (no SeaweedFS needed).
@Suite struct S3RetryTests {
  let quickRetries = S3RetryPolicy(
    maximumAttempts: 4, initialDelaySeconds: 0.01, maximumDelaySeconds: 0.05, budgetSeconds: 5,
    requestTimeoutSeconds: 5)

  func client(port: Int) throws -> S3Client {
    S3Client(
      bucket: "bucket",
      configuration: try S3Configuration(
        endpoint: "http://127.0.0.1:\(port)",
        credentials: S3Credentials(accessKeyID: "id", secretAccessKey: "secret"),
        retryPolicy: quickRetries))
  }

  @Test func throttlingAndServerErrorsAreRetried() async throws {
    let slowDown = Array("<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>".utf8)
    let server = try ScriptedHTTPServer(script: [
      ScriptedHTTPServer.answer(503, "Slow Down", body: slowDown),
      ScriptedHTTPServer.answer(500, "Internal Server Error", body: []),
      ScriptedHTTPServer.answer(429, "Too Many Requests", body: []),
      ScriptedHTTPServer.answer(200, "OK", body: Array("hello".utf8)),
    ])
    #expect(try await client(port: server.port).get("a/b") == Array("hello".utf8))
    #expect(server.requestsServed == 4)
  }

  @Test func theLastFailureIsReportedWithBucketKeyAndStatus() async throws {
    let slowDown = Array("<Error><Code>SlowDown</Code></Error>".utf8)
    let server = try ScriptedHTTPServer(
      script: Array(repeating: ScriptedHTTPServer.answer(503, "Slow Down", body: slowDown), count: 4))
    let error = await #expect(throws: ObjectStoreError.self) {
      try await client(port: server.port).get("db/x.qvf")
    }
    #expect(error?.code == .serverUnavailable)
    #expect(error?.status == 503)
    #expect(error?.serverCode == "SlowDown")
    #expect(error?.attempts == 4)
    #expect(error?.message.contains("s3://bucket/db/x.qvf") == true)
    #expect(error?.message.contains("503") == true)
  }

  @Test func missingObjectsAreNotRetried() async throws {
    let server = try ScriptedHTTPServer(script: [
      ScriptedHTTPServer.answer(404, "Not Found", body: Array("<Error><Code>NoSuchKey</Code></Error>".utf8)),
      ScriptedHTTPServer.answer(200, "OK", body: []),
    ])
    let error = await #expect(throws: ObjectStoreError.self) {
      try await client(port: server.port).get("gone")
    }
    #expect(error?.code == .notFound)
    #expect(error?.attempts == 1)
    #expect(server.requestsServed == 1)
  }

  /// The server answers half a body and goes away: the read is retried, finds nothing
  /// listening, and ends with `.unreachable` inside the retry budget. Timed around a blocking
  /// wait (as `S3Storage` waits), not an `await`, whose resumption can be delayed by other
  /// suites keeping every cooperative thread busy.
  @Test func aServerThatStopsMidReadGivesATypedErrorWithinTheBudget() throws {
    let server = try ScriptedHTTPServer(script: [
      ScriptedHTTPServer.answer(200, "OK", body: [UInt8](repeating: 7, count: 100_000), cutAfter: 1_000)
    ])
    let client = try client(port: server.port)
    let started = Date()
    let error = #expect(throws: ObjectStoreError.self) { try client.startGet("big").wait() }
    #expect(Date().timeIntervalSince(started) < quickRetries.budgetSeconds + quickRetries.requestTimeoutSeconds)
    #expect(error?.code == .unreachable)
    #expect(error?.attempts == quickRetries.maximumAttempts)
    #expect(error?.message.contains("s3://bucket/big") == true)
  }

  @Test func anEndpointWithNothingListeningIsUnreachable() async throws {
    // A port that was just free: bind, read its number, close.
    let server = try ScriptedHTTPServer(script: [])
    try await Task.sleep(for: .milliseconds(50))
    let error = await #expect(throws: ObjectStoreError.self) {
      try await client(port: server.port).head("x")
    }
    #expect(error?.code == .unreachable)
    #expect(error?.status == nil)
  }
}

/// A conditional PUT whose first try landed but lost its answer: the retry's 412 is checked
/// against the stored object's entity tag.
@Suite struct S3ConditionalRetryTests {
  let policy = S3RetryPolicy(maximumAttempts: 3, initialDelaySeconds: 0.01, budgetSeconds: 5)

  func run(storedTag: String) async throws -> (won: Bool, requests: Int) {
    let server = try ScriptedHTTPServer(script: [
      [],  // the write lands, the answer is lost
      ScriptedHTTPServer.answer(412, "Precondition Failed", body: []),
      ScriptedHTTPServer.answer(200, "OK", body: [], headers: ["ETag: \"\(storedTag)\""]),
    ])
    let client = S3Client(
      bucket: "bucket",
      configuration: try S3Configuration(
        endpoint: "http://127.0.0.1:\(server.port)",
        credentials: S3Credentials(accessKeyID: "id", secretAccessKey: "secret"),
        retryPolicy: policy))
    let won = try await client.putIfAbsent("_versions/7.manifest", Array("hello".utf8))
    return (won, server.requestsServed)
  }

  @Test func aRetryThatFindsItsOwnWriteWins() async throws {
    // MD5("hello")
    let outcome = try await run(storedTag: "5d41402abc4b2a76b9719d911017c592")
    #expect(outcome.won)
    #expect(outcome.requests == 3)
  }

  @Test func aRetryThatFindsAnotherWriteLoses() async throws {
    let outcome = try await run(storedTag: "00000000000000000000000000000000")
    #expect(!outcome.won)
  }
}
