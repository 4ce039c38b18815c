import Foundation

/// What a run of the built `quiver` executable printed and how it exited.
public struct ProcessResult: Sendable {
  /// The exit status.
  public var status: Int32
  /// Everything written to standard output.
  public var standardOutput: String
  /// Everything written to standard error.
  public var standardError: String
}

/// The `quiver` executable built next to the test bundle.
public func quiverExecutable() -> URL {
  var directory = Bundle.main.bundleURL
  for _ in 0..<4 {
    let candidate = directory.appendingPathComponent("quiver")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    directory.deleteLastPathComponent()
  }
  return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("quiver")
}

/// Runs the built `quiver` with `arguments` and waits for it; `environment` adds to (or
/// replaces in) this process's variables for the child.
public func runQuiver(
  _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = quiverExecutable()
  process.arguments = arguments
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  let output = Pipe()
  let error = Pipe()
  process.standardOutput = output
  process.standardError = error
  let inputPipe = Pipe()
  process.standardInput = inputPipe
  let exit = try process.start()
  if let input { inputPipe.fileHandleForWriting.write(input) }
  try inputPipe.fileHandleForWriting.close()
  let outData = output.fileHandleForReading.readDataToEndOfFile()
  let errData = error.fileHandleForReading.readDataToEndOfFile()
  exit.wait()
  return ProcessResult(
    status: process.terminationStatus,
    standardOutput: String(decoding: outData, as: UTF8.self),
    standardError: String(decoding: errData, as: UTF8.self))
}
