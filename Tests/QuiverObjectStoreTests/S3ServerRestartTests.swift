import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import QuiverStorage
import QuiverTestSupport
import Testing

@testable import QuiverObjectStore

/// A SeaweedFS server of the test's own (scripts/s3-server on a random port and folder), so it
/// can be killed and started again without disturbing the run's shared server.
final class PrivateS3Server {
  let port = Int.random(in: 20_000..<50_000)
  let folder: URL

  init() throws {
    folder = try TestPaths.temporaryDirectory("objectstore-server")
    try run("start")
  }

  /// Kills the server, keeping its data.
  func halt() throws { try run("halt") }

  /// Starts it again on its data.
  func start() throws { try run("start") }

  /// Stops it and removes its folder.
  func stop() {
    try? run("stop")
    try? FileManager.default.removeItem(at: folder)
  }

  func configuration(_ policy: S3RetryPolicy) throws -> S3Configuration {
    try S3TestServer.configuration(retryPolicy: policy).with(endpoint: "http://127.0.0.1:\(port)")
  }

  /// Runs `scripts/s3-server VERB` for this server and waits for it (`posix_spawn` and
  /// `waitpid`: Foundation's `Process` here left the script a zombie, never reaped, once `weed`
  /// went on in the background).
  ///
  /// The shell closes every descriptor above 2 before it runs the script: `posix_spawn` hands
  /// the child all of this process's open descriptors, and a `weed` left running in the
  /// background would otherwise hold the write end of other tests' pipes open, so their readers
  /// never see the end of file (the multi-process tests hung for 300 s that way in CI).
  private func run(_ verb: String) throws {
    let script = TestPaths.packageRoot.appendingPathComponent("scripts/s3-server").path
    let environment = ProcessInfo.processInfo.environment.merging(
      ["QUIVER_S3_DIR": folder.path, "QUIVER_S3_PORT": String(port), "SCRIPT": script, "VERB": verb]
    ) { $1 }
    let closeInherited =
      "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done"
    let arguments = [
      "/bin/bash", "-c", "\(closeInherited); exec /bin/bash \"$SCRIPT\" \"$VERB\" >/dev/null",
    ]
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    var status: Int32 = 0
    guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, envp) == 0,
      waitpid(pid, &status, 0) == pid, status == 0
    else {
      throw ObjectStoreError(
        .unreachable, operation: "scripts/s3-server \(verb)", bucket: S3TestServer.bucket, key: "",
        detail: "it failed (wait status \(status)) on port \(port)")
    }
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
