#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// A running `QuiverTableWriterTool` child process (the writer of the multi-process commit
/// tests) and the pipe of its acknowledgements: it appends `count` rows to a table, one commit
/// each, printing `ack SEQUENCE` after each commit returned.
///
/// The hang guard of these tests: a writer still running `hangGuard` after its start is killed
/// and `finish` reports `timedOut`. The clock is the child's own, unlike Swift Testing's
/// `.timeLimit`, which starts when a test is scheduled and so, on two cores, also counts the
/// minutes a test waits for a thread behind the rest of the suite (a sanitizer run "timed out"
/// tests whose children ran for one second).
public struct TableWriterProcess {
  /// The child process.
  public let process: Process
  private let output: Pipe
  private let errors: Pipe
  private let exit: ProcessExit
  private let guardFired = GuardFlag()

  /// Starts a writer appending to `table` (a folder or an `s3://bucket/prefix`).
  /// - Parameters:
  ///   - environment: Variables added to this process's environment for the child (the S3
  ///     endpoint and keys).
  /// - Throws: `CocoaError` when the tool is not built or cannot start.
  ///   - hangGuard: How long the child may run before it is killed as hung.
  public init(
    table: String, writer: Int, first: Int, count: Int, environment: [String: String] = [:],
    hangGuard: Duration = .seconds(300)
  ) throws {
    process = Process()
    process.executableURL = try Self.executable()
    process.arguments = ["append", table, String(writer), String(first), String(count)]
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    output = Pipe()
    errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    exit = try process.start()
    let (process, fired) = (process, guardFired)
    let seconds =
      Double(hangGuard.components.seconds) + Double(hangGuard.components.attoseconds) / 1e18
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
      guard process.isRunning else { return }
      fired.set()
      kill(process.processIdentifier, SIGKILL)
    }
  }

  /// Reads output until `count` acknowledgement lines arrived or the writer closed its output.
  /// - Returns: The text read (pass it to `finish`).
  public func waitForAcknowledgements(_ count: Int) -> String {
    var text = ""
    while text.utf8.lazy.filter({ $0 == UInt8(ascii: "\n") }).count < count {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      text += String(decoding: chunk, as: UTF8.self)
    }
    return text
  }

  /// Waits for the exit; returns the acknowledged sequence numbers, the exit status, the stderr
  /// text, and whether the hang guard killed the writer. `alreadyRead` is output consumed by
  /// `waitForAcknowledgements`.
  public func finish(
    alreadyRead: String = ""
  ) -> (acks: [Int], status: Int32, errors: String, timedOut: Bool) {
    let text =
      alreadyRead + String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    exit.wait()
    let acks = text.split(separator: "\n").compactMap { line in
      line.hasPrefix("ack ") ? Int(line.dropFirst(4)) : nil
    }
    return (acks, process.terminationStatus, errorText, guardFired.isSet)
  }

  /// The `QuiverTableWriterTool` executable built next to the test bundle.
  private static func executable() throws -> URL {
    var directory = Bundle.main.bundleURL
    for _ in 0..<5 {
      let candidate = directory.appendingPathComponent("QuiverTableWriterTool")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      directory.deleteLastPathComponent()
    }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("QuiverTableWriterTool")
    guard FileManager.default.isExecutableFile(atPath: beside.path) else {
      throw CocoaError(
        .fileNoSuchFile,
        userInfo: [NSLocalizedDescriptionKey: "QuiverTableWriterTool is not built (swift build --build-tests)"])
    }
    return beside
  }
}

/// A flag set once from another thread (the hang guard's timer).
private final class GuardFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false

  func set() { lock.withLock { value = true } }
  var isSet: Bool { lock.withLock { value } }
}
