import Foundation

/// A running `QuiverTableWriterTool` child process (the writer of the multi-process commit
/// tests) and the pipe of its acknowledgements: it appends `count` rows to a table, one commit
/// each, printing `ack SEQUENCE` after each commit returned.
public struct TableWriterProcess {
  /// The child process.
  public let process: Process
  private let output: Pipe
  private let errors: Pipe
  private let exit: ProcessExit

  /// Starts a writer appending to `table` (a folder or an `s3://bucket/prefix`).
  /// - Parameters:
  ///   - environment: Variables added to this process's environment for the child (the S3
  ///     endpoint and keys).
  /// - Throws: `CocoaError` when the tool is not built or cannot start.
  public init(
    table: String, writer: Int, first: Int, count: Int, environment: [String: String] = [:]
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

  /// Waits for the exit; returns the acknowledged sequence numbers and the stderr text.
  /// `alreadyRead` is output consumed by `waitForAcknowledgements`.
  public func finish(alreadyRead: String = "") -> (acks: [Int], status: Int32, errors: String) {
    let text =
      alreadyRead + String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    exit.wait()
    let acks = text.split(separator: "\n").compactMap { line in
      line.hasPrefix("ack ") ? Int(line.dropFirst(4)) : nil
    }
    return (acks, process.terminationStatus, errorText)
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
