import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A SeaweedFS server of one test's own (scripts/s3-server on a random port and folder), so it
/// can be killed and started again without disturbing the run's shared server. It has the same
/// bucket and keys as the shared one (the `QUIVER_TEST_S3_BUCKET` and AWS variables).
public final class PrivateS3Server: Sendable {
  /// Why a `scripts/s3-server` command failed.
  public struct Failure: Error, CustomStringConvertible {
    /// The command, the wait status and the port.
    public let description: String
  }

  /// The S3 port; master, volume, filer and admin use the next four.
  public let port = Int.random(in: 20_000..<50_000)
  /// The server's state and data.
  public let folder: URL

  /// Starts a server and waits until its bucket answers.
  /// - Throws: `Failure` when it does not come up.
  public init() throws {
    folder = try TestPaths.temporaryDirectory("objectstore-server")
    try run("start")
  }

  /// `http://127.0.0.1:PORT`.
  public var endpoint: String { "http://127.0.0.1:\(port)" }

  /// Kills the server, keeping its data.
  public func halt() throws { try run("halt") }

  /// Starts it again on its data.
  public func start() throws { try run("start") }

  /// Stops it and removes its folder.
  public func stop() {
    try? run("stop")
    try? FileManager.default.removeItem(at: folder)
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
      throw Failure(
        description: "scripts/s3-server \(verb) failed (wait status \(status)) on port \(port)")
    }
  }
}
