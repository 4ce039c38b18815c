import Foundation
import QuiverTestSupport
import Testing

/// A temporary folder for one test, removed when the test ends.
final class ScratchFolder {
  let url: URL

  init(_ label: String = "quiver-cli") throws {
    url = try TestPaths.temporaryDirectory(label)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// The path of `name` inside the folder.
  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  /// Writes `bytes` to `name` and returns its path.
  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    try Data(bytes).write(to: url.appendingPathComponent(name))
    return path(name)
  }

  /// Writes `text` to `name` and returns its path.
  @discardableResult
  func write(_ name: String, text: String) throws -> String {
    try write(name, Array(text.utf8))
  }

  /// The names in the folder, hidden ones included, sorted.
  func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
  }
}

/// The bytes of the fixture `Fixtures/convert/NAME`.
func convertFixture(_ name: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: convertFixtureURL(name)))
}

/// The path of the fixture `Fixtures/convert/NAME`.
func convertFixtureURL(_ name: String) -> URL {
  TestPaths.fixtures.appendingPathComponent("convert").appendingPathComponent(name)
}

/// The bytes of the file at `path`.
func fileBytes(_ path: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Checks that a run failed the way every bad input must: the given exit status, exactly one line
/// on standard error that contains every fragment, and nothing on standard output.
func expectOneLineFailure(
  _ result: ProcessResult, status: Int32, mentions fragments: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == status, "exit status", sourceLocation: sourceLocation)
  let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: true)
  #expect(lines.count == 1, "one line on stderr: \(result.standardError)", sourceLocation: sourceLocation)
  #expect(result.standardError.hasPrefix("quiver "), sourceLocation: sourceLocation)
  for fragment in fragments {
    #expect(
      result.standardError.contains(fragment), "stderr mentions '\(fragment)': \(result.standardError)",
      sourceLocation: sourceLocation)
  }
  #expect(result.standardOutput.isEmpty, sourceLocation: sourceLocation)
}
