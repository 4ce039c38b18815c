import Foundation
import QuiverTestSupport
import Testing

/// Table paths as people type them (issue #15): `db/vectors` names `db/vectors.quiver`, and a
/// new table's missing parent folders are created. These run the built `quiver`.
@Suite struct TablePathTests {
  @Test func aPathWithoutAnExtensionNamesATableInNewParentFolders() throws {
    let scratch = try ScratchFolder()
    let input = convertFixtureURL("vectors.fvecs").path
    let created = try runQuiver(["convert", input, scratch.path("db/nested/vectors")])
    #expect(created.status == 0, "\(created.standardError)")
    #expect(FileManager.default.fileExists(atPath: scratch.path("db/nested/vectors.quiver/_versions")))
    #expect(!FileManager.default.fileExists(atPath: scratch.path("db/nested/vectors")))

    // Both spellings reach the same table, for every command that takes one.
    let appended = try runQuiver([
      "convert", input, scratch.path("db/nested/vectors.quiver"), "--mode", "append", "--quiet",
    ])
    #expect(appended.status == 0, "\(appended.standardError)")
    let short = try runQuiver(["inspect", scratch.path("db/nested/vectors"), "--json"])
    let long = try runQuiver(["inspect", scratch.path("db/nested/vectors.quiver"), "--json"])
    #expect(short.status == 0, "\(short.standardError)")
    #expect(short.standardOutput.contains("\"version\": 2") || short.standardOutput.contains("\"version\":2"))
    #expect(short.standardOutput == long.standardOutput)
    let back = try runQuiver(["convert", scratch.path("db/nested/vectors"), scratch.path("out.fvecs")])
    #expect(back.status == 0, "\(back.standardError)")
    let search = try runQuiver([
      "search", scratch.path("db/nested/vectors"), "--query-file", input, "--limit", "1", "--json",
    ])
    #expect(search.status == 0, "\(search.standardError)")
  }

  @Test func aMissingShortTableIsNamedInTheError() throws {
    let scratch = try ScratchFolder()
    let result = try runQuiver(["inspect", scratch.path("db/absent")])
    expectOneLineFailure(result, status: 66, mentions: ["db/absent.quiver"])
  }

  @Test func helpSaysHowTablePathsWork() throws {
    for command in ["convert", "search", "index", "inspect"] {
      let help = try runQuiver([command, "--help"])
      let text = help.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      #expect(text.contains("db/items names db/items.quiver"), "\(command) --help")
      #expect(text.contains("missing parent folders"), "\(command) --help")
    }
  }
}
