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

/// Runs `quiver convert INPUT OUTPUT EXTRA…` and expects it to succeed (its standard error is
/// shown when it does not); the run's result.
@discardableResult
func convertExpectingSuccess(
  _ input: String, _ output: String, _ extra: [String] = [],
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> ProcessResult {
  let result = try runQuiver(["convert", input, output] + extra)
  #expect(result.status == 0, "\(result.standardError)", sourceLocation: sourceLocation)
  return result
}

/// A table converted from the JSON Lines fixture and appended to once from it (2 versions, one
/// fragment each); its path.
func makeTwoVersionTable(in scratch: ScratchFolder) throws -> String {
  let table = scratch.path("items.quiver")
  let jsonl = convertFixtureURL("table.jsonl").path
  #expect(try runQuiver(["convert", jsonl, table]).status == 0)
  #expect(try runQuiver(["convert", jsonl, table, "--mode", "append"]).status == 0)
  return table
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
  #expect(
    lines.count == 1, "one line on stderr: \(result.standardError)", sourceLocation: sourceLocation)
  #expect(result.standardError.hasPrefix("quiver "), sourceLocation: sourceLocation)
  for fragment in fragments {
    #expect(
      result.standardError.contains(fragment),
      "stderr mentions '\(fragment)': \(result.standardError)",
      sourceLocation: sourceLocation)
  }
  #expect(result.standardOutput.isEmpty, sourceLocation: sourceLocation)
}
