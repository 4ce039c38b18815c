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

  @Test func unknownOutputFormat() throws {
    let scratch = try ScratchFolder()
    try expectFailure(
      input: convertFixtureURL("vectors.fvecs").path, in: scratch, output: "out.xyz", status: 64,
      mentions: ["out.xyz", "unknown format '.xyz'"])
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

  @Test func csvRowWithTheWrongNumberOfFields() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(
      "rows.csv",
      text: "id,name,vector\n1,a,\"[1, 2]\"\n2,\"b\nc\",\"[3, 4]\"\n3,d\n4,e,\"[5, 6]\"\n")
    try expectFailure(
      input: input, in: scratch, mentions: ["rows.csv", "line 5", "expected 3 fields", "found 2"])
  }

  @Test func csvValueThatDoesNotParseAsItsColumnsType() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("typed.csv", text: "id,vector\n1,\"[1, 2]\"\n2,\"[3, 4]\"\n")
    try expectFailure(
      input: input, in: scratch, extra: ["--column-type", "id=bool"],
      mentions: ["typed.csv", "line 2", "column 'id'", "'1' is not a bool"])
  }

  @Test func csvVectorWithTheWrongDimension() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(
      "dims.csv", text: "id,vector\n1,\"[1, 2]\"\n2,\"[3, 4]\"\n3,\"[5, 6, 7]\"\n")
    try expectFailure(
      input: input, in: scratch, extra: ["--infer-rows", "2"],
      mentions: ["dims.csv", "line 4", "column 'vector'", "3 elements", "dimension is 2"])
  }

  @Test func jsonLineThatIsNotAnObject() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(
      "rows.jsonl",
      text: "{\"id\": 1, \"vector\": [1, 2]}\n[1, 2]\n{\"id\": 3, \"vector\": [5, 6]}\n")
    try expectFailure(
      input: input, in: scratch,
      mentions: ["rows.jsonl", "line 2", "expected a JSON object, found an array"])
  }

  @Test func invalidJSON() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(
      "broken.jsonl", text: "{\"id\": 1, \"vector\": [1, 2]}\n{\"id\": 2,\n")
    try expectFailure(
      input: input, in: scratch, mentions: ["broken.jsonl", "line 2", "invalid JSON"])
  }

  @Test func nestedObjectsRejectedOnRequest() throws {
    try expectFailure(
      input: convertFixtureURL("table.jsonl").path, in: ScratchFolder(),
      extra: ["--nested", "reject"],
      mentions: ["table.jsonl", "line 1", "field 'meta' is a nested object", "'meta.note'"])
  }

  @Test func jsonVectorWithTheWrongDimensionAfterTheSample() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write(
      "dims.jsonl",
      text: "{\"vector\": [1, 2]}\n{\"vector\": [3, 4]}\n{\"vector\": [5]}\n")
    try expectFailure(
      input: input, in: scratch, extra: ["--infer-rows", "1"],
      mentions: ["dims.jsonl", "line 3", "field 'vector'", "1 elements", "dimension is 2"])
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

  @Test func lossyVectorConversionIsRefused() throws {
    let scratch = try ScratchFolder()
    try expectFailure(
      input: convertFixtureURL("vectors.fvecs").path, in: scratch, output: "out.bvecs", status: 64,
      mentions: ["out.bvecs", "would change values"])
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
