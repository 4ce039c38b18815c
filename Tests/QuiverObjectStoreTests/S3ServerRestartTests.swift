import Foundation
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

extension PrivateS3Server {
  /// The test server's configuration, reaching this server, with `policy`.
  func configuration(_ policy: S3RetryPolicy) throws -> S3Configuration {
    try S3TestServer.configuration(retryPolicy: policy).with(endpoint: endpoint)
  }
}

extension S3Configuration {
  fileprivate func with(endpoint: String) throws -> S3Configuration {
    try S3Configuration(
      endpoint: endpoint, region: region, credentials: credentials,
      addressingStyle: addressingStyle, retryPolicy: retryPolicy)
  }
}

@Suite(.enabled(if: S3TestServer.isEnabled, S3TestServer.skipReason))
struct S3ServerRestartTests {
  @Test func aKilledServerGivesATypedErrorAndTheReadAfterItsRestartSucceeds() throws {
    let server = try PrivateS3Server()
    defer { server.stop() }
    let policy = S3RetryPolicy(
      maximumAttempts: 4, initialDelaySeconds: 0.1, maximumDelaySeconds: 0.5, budgetSeconds: 2,
      requestTimeoutSeconds: 3)
    let storage = try S3Storage(
      client: S3Client(bucket: S3TestServer.bucket, configuration: try server.configuration(policy)),
      prefix: "t.quiver")
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
    let path = try StoragePath("data/x.qvf")
    #expect(try storage.putIfAbsent(path, bytes))
    let reader = try storage.openReader(path)
    #expect(try reader.read(ranges: [0..<10]) == [Array(bytes[0..<10])])

    try server.halt()
    let started = Date()
    let error = #expect(throws: StorageError.self) { try reader.read(ranges: [100..<200]) }
    #expect(Date().timeIntervalSince(started) < policy.budgetSeconds + policy.requestTimeoutSeconds)
    #expect(error?.code == .ioFailure)
    #expect(error?.message.contains("\(storage.location)") == true)
    #expect(error?.message.contains("after 4 tries") == true)

    // A restarted SeaweedFS lists before its volume serves (HTTP 500 meanwhile, seconds on a
    // busy machine): the read after the restart rides that out with a patient retry policy.
    try server.start()
    let patience = S3RetryPolicy(
      maximumAttempts: 40, initialDelaySeconds: 0.1, maximumDelaySeconds: 1, budgetSeconds: 30)
    let patient = try S3Storage(
      client: S3Client(
        bucket: S3TestServer.bucket, configuration: try server.configuration(patience)),
      prefix: "t.quiver")
    #expect(try patient.openReader(path).read(ranges: [100..<200]) == [Array(bytes[100..<200])])
  }
}
