import Foundation
import QuiverTestSupport

/// Runs Fixtures/exchange/read_with_pyarrow.py when a Python with pyarrow is available
/// (`$QUIVER_PYTHON`, else `python3`); tests that need it are skipped otherwise.
enum PythonInterop {
  /// The Python interpreter to use.
  static var interpreter: String { ProcessInfo.processInfo.environment["QUIVER_PYTHON"] ?? "python3" }

  /// Whether `import pyarrow, pandas` works.
  static let hasPyarrow: Bool = (try? run(["-c", "import pyarrow, pandas"]).status) == 0

  /// Runs the interpreter with `arguments`; returns the exit status and standard output.
  static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [interpreter] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    let exit = try process.start()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    exit.wait()
    return (process.terminationStatus, output)
  }

  /// The rows of `path` as pyarrow reads them (pandas checked to agree), in expected.json's form.
  static func read(_ path: String) throws -> [String: Any]? {
    let script = TestPaths.fixtures.appendingPathComponent("exchange/read_with_pyarrow.py").path
    let (status, output) = try run([script, path])
    guard status == 0 else { return nil }
    return try JSONSerialization.jsonObject(with: output) as? [String: Any]
  }
}
