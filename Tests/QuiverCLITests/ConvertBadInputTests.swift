import Foundation
import QuiverTestSupport
import Testing

/// Every bad input of `quiver convert`: one line on stderr naming the file, the record or line
/// and the problem; a non-zero exit status; and no output left behind.
@Suite struct ConvertBadInputTests {
  /// Runs `convert INPUT OUTPUT`, expects the failure, and checks that the scratch folder holds
  /// only the input afterwards (no output, no temporary file).
  func expectFailure(
    input: String, in scratch: ScratchFolder, output: String = "out.npy", extra: [String] = [],
    status: Int32 = 65, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try scratch.contents()
    let result = try runQuiver(["convert", input, scratch.path(output)] + extra)
    expectOneLineFailure(result, status: status, mentions: mentions, sourceLocation: sourceLocation)
    #expect(try scratch.contents() == before, "nothing left behind", sourceLocation: sourceLocation)
  }

  @Test func unknownInputFormat() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("data.orc", [1, 2, 3])
    try expectFailure(
      input: input, in: scratch, status: 64,
      mentions: ["data.orc", "unknown format '.orc'"])
  }

  /// A fixture converted with options or to an output that cannot work: an unknown output
  /// format, `--nested reject` on nested objects, a lossy vector conversion.
  @Test(arguments: [
    ("vectors.fvecs", "out.xyz", [], 64, ["out.xyz", "unknown format '.xyz'"]),
    (
      "table.jsonl", "out.npy", ["--nested", "reject"], 65,
      ["table.jsonl", "line 1", "field 'meta' is a nested object", "'meta.note'"]
    ),
    ("vectors.fvecs", "out.bvecs", [], 64, ["out.bvecs", "would change values"]),
  ] as [(String, String, [String], Int32, [String])])
  func refusedConversionOfAFixture(
    fixture: String, output: String, extra: [String], status: Int32, mentions: [String]
  ) throws {
    try expectFailure(
      input: convertFixtureURL(fixture).path, in: ScratchFolder(), output: output, extra: extra,
      status: status, mentions: mentions)
  }

  @Test func missingInput() throws {
    let scratch = try ScratchFolder()
    try expectFailure(
      input: scratch.path("absent.fvecs"), in: scratch, status: 66,
      mentions: ["absent.fvecs", "no such file"])
  }

  @Test func wrongDimensionInTheMiddleOfAnFvecsFile() throws {
    let scratch = try ScratchFolder()
    var bytes = try convertFixture("vectors.fvecs")
    bytes[3 * 20] = 5  // record 3 (20 bytes per record) claims dimension 5
    let input = try scratch.write("bad.fvecs", bytes)
    try expectFailure(
      input: input, in: scratch,
      mentions: [
        "bad.fvecs", "record 3 (byte 60)", "dimension 5 differs from the first record's 4",
      ])
  }

  /// 6 records of 20 bytes: cutting 1 to 19 bytes truncates record 5 (at byte 100) in its data
  /// or, from 17 bytes on, in its dimension header.
  @Test(arguments: [1, 3, 4, 17, 18])
  func truncatedFvecs(missingBytes: Int) throws {
    let scratch = try ScratchFolder()
    let bytes = try convertFixture("vectors.fvecs")
    let input = try scratch.write("short.fvecs", Array(bytes.dropLast(missingBytes)))
    try expectFailure(
      input: input, in: scratch, mentions: ["short.fvecs", "record 5 (byte 100)", "truncated"])
  }

  @Test func truncatedNumpyFile() throws {
    let scratch = try ScratchFolder()
    let bytes = try convertFixture("vectors_float32.npy")
    let input = try scratch.write("short.npy", Array(bytes.dropLast(5)))
    try expectFailure(
      input: input, in: scratch, output: "out.fvecs",
      mentions: ["short.npy", "row 5 (byte 208)", "truncated"])
  }

  @Test(arguments: [
    ("vectors_fortran.npy", "Fortran order"),
    ("vectors_float64.npy", "dtype '<f8' is not supported"),
  ])
  func unsupportedNumpyArrays(fixture: String, problem: String) throws {
    let scratch = try ScratchFolder()
    try expectFailure(
      input: convertFixtureURL(fixture).path, in: scratch, output: "out.fvecs",
      mentions: [fixture, "header", problem])
  }

  /// A CSV or JSON Lines file that goes wrong at a line: the wrong number of fields, a value
  /// that does not parse as its column's type, a vector of another dimension, a line that is
  /// not an object or not JSON.
  @Test(arguments: [
    (
      "rows.csv",
      "id,name,vector\n1,a,\"[1, 2]\"\n2,\"b\nc\",\"[3, 4]\"\n3,d\n4,e,\"[5, 6]\"\n", [],
      ["rows.csv", "line 5", "expected 3 fields", "found 2"]
    ),
    (
      "typed.csv", "id,vector\n1,\"[1, 2]\"\n2,\"[3, 4]\"\n", ["--column-type", "id=bool"],
      ["typed.csv", "line 2", "column 'id'", "'1' is not a bool"]
    ),
    (
      "dims.csv", "id,vector\n1,\"[1, 2]\"\n2,\"[3, 4]\"\n3,\"[5, 6, 7]\"\n", ["--infer-rows", "2"],
      ["dims.csv", "line 4", "column 'vector'", "3 elements", "dimension is 2"]
    ),
    (
      "rows.jsonl",
      "{\"id\": 1, \"vector\": [1, 2]}\n[1, 2]\n{\"id\": 3, \"vector\": [5, 6]}\n", [],
      ["rows.jsonl", "line 2", "expected a JSON object, found an array"]
    ),
    (
      "broken.jsonl", "{\"id\": 1, \"vector\": [1, 2]}\n{\"id\": 2,\n", [],
      ["broken.jsonl", "line 2", "invalid JSON"]
    ),
    (
      "dims.jsonl", "{\"vector\": [1, 2]}\n{\"vector\": [3, 4]}\n{\"vector\": [5]}\n",
      ["--infer-rows", "1"],
      ["dims.jsonl", "line 3", "field 'vector'", "1 elements", "dimension is 2"]
    ),
  ] as [(String, String, [String], [String])])
  func badTextFile(name: String, text: String, extra: [String], mentions: [String]) throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(name, text: text)
    try expectFailure(input: input, in: scratch, extra: extra, mentions: mentions)
  }

  /// JSON has no NaN or infinity: writing one is refused with the row and column; CSV writes
  /// `nan` / `inf`, which read back as the same (canonical) bits.
  @Test func nonFiniteVectorsAndJSON() throws {
    let scratch = try ScratchFolder()
    var bytes: [UInt8] = []
    for vector: [Float] in [[1, 2], [Float(bitPattern: 0x7FC0_0000), -.infinity]] {
      withUnsafeBytes(of: Int32(2)) { bytes += $0 }
      for value in vector { withUnsafeBytes(of: value) { bytes += $0 } }
    }
    let input = try scratch.write("odd.fvecs", bytes)
    try expectFailure(
      input: input, in: scratch, output: "odd.jsonl",
      mentions: ["odd.jsonl", "row 1", "column 'vector'", "NaN or an infinity"])
    let csv = scratch.path("odd.csv")
    #expect(try runQuiver(["convert", input, csv]).status == 0)
    let back = scratch.path("back.fvecs")
    let result = try runQuiver(["convert", csv, back, "--column-type", "vector=vector"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(try fileBytes(back) == bytes)
  }

  @Test func unwritableOutputFolder() throws {
    let scratch = try ScratchFolder()
    // A folder that does not exist, and a "folder" that is a regular file: both refuse creation
    // for every user, root included (which ignores permission bits).
    try expectFailure(
      input: convertFixtureURL("vectors.fvecs").path, in: scratch, output: "missing/out.npy",
      status: 73, mentions: ["missing/out.npy", "cannot create"])
    try scratch.write("plain-file", [0])
    try expectFailure(
      input: convertFixtureURL("vectors.fvecs").path, in: scratch, output: "plain-file/out.npy",
      status: 73, mentions: ["plain-file/out.npy", "cannot create"])
  }

  @Test func readOnlyOutputFolder() throws {
    guard getuid() != 0 else { return }  // root writes into read-only folders; covered above
    let scratch = try ScratchFolder()
    let folder = scratch.url.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
    }
    try expectFailure(
      input: convertFixtureURL("vectors.fvecs").path, in: scratch, output: "locked/out.npy",
      status: 73, mentions: ["locked/out.npy", "cannot create", "ermission denied"])
  }
}
