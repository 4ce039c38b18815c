import Foundation
import QuiverTestSupport
import Testing

/// `quiver convert` into and out of tables: byte-exact vectors, the three modes, and failures
/// that commit nothing.
@Suite struct ConvertTableTests {
  /// The table's committed versions (manifest names in `_versions/`).
  func versions(_ table: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: table + "/_versions")
      .filter { $0.hasSuffix(".manifest") }.sorted()
  }

  func dataFiles(_ table: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: table + "/data").sorted()
  }

  @Test(arguments: [
    ("vectors.fvecs", "fvecs", "vectors.fvecs"),
    ("vectors_float16.npy", "npy", "vectors_float16.npy"),
    ("vectors.bvecs", "bvecs", "vectors.bvecs"), ("table.csv", "fvecs", "vectors.fvecs"),
    ("table.jsonl", "npy", "vectors_float32.npy"),
  ])
  func vectorsRoundTripThroughATableByteForByte(
    input: String, outputExtension: String, expected: String
  ) throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("items.quiver")
    let create = try convertExpectingSuccess(convertFixtureURL(input).path, table, ["--json"])
    #expect(create.standardOutput.contains("\"version\": 1"))
    let output = scratch.path("back.\(outputExtension)")
    try convertExpectingSuccess(table, output)
    #expect(try fileBytes(output) == convertFixture(expected))
  }

  /// 2,000 × 384 real embeddings (3 MB: several pages, so scans cross page ends) through a
  /// table and back, byte for byte.
  @Test func multiPageTableRoundTrip() throws {
    let scratch = try ScratchFolder()
    let base = TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs").path
    let table = scratch.path("rows.quiver")
    try convertExpectingSuccess(base, table)
    let back = scratch.path("back.fvecs")
    try convertExpectingSuccess(table, back)
    #expect(try fileBytes(back) == fileBytes(base))
    let inspect = try runQuiver(["inspect", table, "--verify"])
    #expect(inspect.status == 0)
    #expect(inspect.standardOutput.contains("every checksum matches"))
  }

  /// A table written back out as CSV or JSON Lines holds exactly what a direct file-to-file
  /// conversion writes: every scalar, null and vector survives the table.
  @Test(arguments: ["csv", "jsonl"])
  func tablesWriteTextFormats(format: String) throws {
    let scratch = try ScratchFolder()
    let source = convertFixtureURL("table.jsonl").path
    let table = scratch.path("items.quiver")
    #expect(try runQuiver(["convert", source, table]).status == 0)
    let viaTable = scratch.path("via-table.\(format)")
    let direct = scratch.path("direct.\(format)")
    let out = try runQuiver(["convert", table, viaTable])
    #expect(out.status == 0, "\(out.standardError)")
    #expect(try runQuiver(["convert", source, direct]).status == 0)
    #expect(try fileBytes(viaTable) == fileBytes(direct))
    #expect(try fileBytes(viaTable).count > 500)
  }

  @Test func appendOverwriteAndTimeTravel() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("items.quiver")
    let jsonl = convertFixtureURL("table.jsonl").path
    #expect(try runQuiver(["convert", jsonl, table]).status == 0)
    let again = try runQuiver(["convert", jsonl, table])
    expectOneLineFailure(again, status: 73, mentions: [table, "already exists"])
    #expect(try runQuiver(["convert", jsonl, table, "--mode", "append"]).status == 0)
    #expect(try versions(table).count == 2)

    // Version 2 has both appends; version 1 still reads as it was.
    let twice = scratch.path("twice.fvecs")
    #expect(try runQuiver(["convert", table, twice]).status == 0)
    let fixture = try convertFixture("vectors.fvecs")
    #expect(try fileBytes(twice) == fixture + fixture)
    let once = scratch.path("once.fvecs")
    #expect(try runQuiver(["convert", table, once, "--version", "1"]).status == 0)
    #expect(try fileBytes(once) == fixture)

    // Overwrite replaces the data (and may change the schema) in a new version.
    let overwrite = try runQuiver([
      "convert", convertFixtureURL("vectors.bvecs").path, table, "--mode", "overwrite",
    ])
    #expect(overwrite.status == 0, "\(overwrite.standardError)")
    let bytes = scratch.path("bytes.bvecs")
    #expect(try runQuiver(["convert", table, bytes]).status == 0)
    #expect(try fileBytes(bytes) == convertFixture("vectors.bvecs"))
    #expect(try versions(table).count == 3)
  }

  /// A conversion into an existing table that fails part way (a CSV row with a bad field count
  /// after thousands of good rows, so data files were already being written) commits nothing and
  /// leaves no new data file.
  @Test func failedAppendCommitsNothing() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("items.quiver")
    var text = "id,vector\n"
    for row in 0..<20_000 { text += "\(row),\"[\(row), 0.5]\"\n" }
    let good = try scratch.write("good.csv", text: text)
    #expect(try runQuiver(["convert", good, table]).status == 0)
    let versionsBefore = try versions(table)
    let filesBefore = try dataFiles(table)

    let bad = try scratch.write("bad.csv", text: text + "20000,\"[1, 2]\",extra\n")
    let result = try runQuiver(["convert", bad, table, "--mode", "append"])
    expectOneLineFailure(
      result, status: 65, mentions: ["bad.csv", "line 20002", "expected 2 fields"])
    #expect(try versions(table) == versionsBefore)
    #expect(try dataFiles(table) == filesBefore)

    let wrongDimension = try scratch.write("wide.csv", text: "id,vector\n1,\"[1, 2, 3]\"\n")
    let mismatch = try runQuiver(["convert", wrongDimension, table, "--mode", "append"])
    expectOneLineFailure(
      mismatch, status: 65, mentions: ["wide.csv", "column 'vector'", "dimension 3"])
    #expect(try versions(table) == versionsBefore)
    #expect(try dataFiles(table) == filesBefore)
  }

  /// A failed conversion into a new table leaves no table folder at all.
  @Test func failedCreateLeavesNoTable() throws {
    let scratch = try ScratchFolder()
    var bytes = try convertFixture("vectors.fvecs")
    bytes.removeLast(2)
    let input = try scratch.write("short.fvecs", bytes)
    let result = try runQuiver(["convert", input, scratch.path("items.quiver")])
    expectOneLineFailure(result, status: 65, mentions: ["short.fvecs", "record 5", "truncated"])
    #expect(try scratch.contents() == ["short.fvecs"])
  }

  @Test func outputsWithAnUnknownExtensionAreRefused() throws {
    let scratch = try ScratchFolder()
    let result = try runQuiver([
      "convert", convertFixtureURL("vectors.fvecs").path, scratch.path("items.parquet2"),
    ])
    expectOneLineFailure(
      result, status: 64, mentions: ["items.parquet2", "unknown format", "NAME.quiver"])
    #expect(try scratch.contents().isEmpty)
  }

  @Test func int32VectorsDoNotFitATable() throws {
    let scratch = try ScratchFolder()
    let result = try runQuiver([
      "convert", convertFixtureURL("vectors.ivecs").path, scratch.path("ids.quiver"),
    ])
    expectOneLineFailure(result, status: 64, mentions: ["vectors.ivecs", "int32 vectors"])
    #expect(try scratch.contents().isEmpty)
  }

  @Test func appendNeedsATableAndUnwritableTablesAreRefused() throws {
    let scratch = try ScratchFolder()
    let input = convertFixtureURL("vectors.fvecs").path
    let append = try runQuiver([
      "convert", input, scratch.path("absent.quiver"), "--mode", "append",
    ])
    expectOneLineFailure(append, status: 66, mentions: ["absent", "no table to append to"])
    try scratch.write("plain", [0])
    let underFile = try runQuiver(["convert", input, scratch.path("plain/items.quiver")])
    expectOneLineFailure(underFile, status: 73, mentions: ["plain/items.quiver"])
    #expect(try scratch.contents() == ["plain"])
  }
}
