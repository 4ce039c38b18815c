import Foundation
import QuiverTestSupport
import Testing

/// Numbers in exchange files and on the command line chosen by an attacker: each run ends with
/// one line on stderr and a non-zero status, never a trap or an impossible allocation, and
/// leaves nothing behind (issue 16).
@Suite struct HostileInputTests {
  /// Runs `convert INPUT OUTPUT`, expects the failure, and checks that the scratch folder holds
  /// only what it held before.
  func expectFailure(
    _ arguments: [String], in scratch: ScratchFolder, status: Int32 = 65, mentions: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try scratch.contents()
    let result = try runQuiver(arguments)
    expectOneLineFailure(result, status: status, mentions: mentions, sourceLocation: sourceLocation)
    #expect(try scratch.contents() == before, "nothing left behind", sourceLocation: sourceLocation)
  }

  /// A `.npy` file of float32 whose header claims `shape` over `payload` bytes of data.
  func numpyFile(shape: String, payload: Int = 16) -> [UInt8] {
    var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
    while (10 + dictionary.utf8.count + 1) % 64 != 0 { dictionary += " " }
    dictionary += "\n"
    let length = dictionary.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
      + Array(dictionary.utf8) + [UInt8](repeating: 0, count: payload)
  }

  @Test func anEmptyFvecsFileWithAHugeDimension() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("empty.fvecs", [])
    try expectFailure(
      ["convert", input, scratch.path("out.npy"), "--dim", "4611686018427387904"], in: scratch,
      mentions: ["empty.fvecs", "--dim 4611686018427387904 is above the maximum"])
  }

  @Test(arguments: [
    ("(10000000000000000, 4)", "truncated"),
    ("(1, 2305843009213693952)", "above the maximum"),
    ("(4611686018427387904, 1048576)", "truncated"),
    ("(-1, 4)", "expected an integer"),
  ])
  func aNumpyHeaderClaimingMoreThanTheFileHolds(shape: String, problem: String) throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("claims.npy", numpyFile(shape: shape))
    try expectFailure(
      ["convert", input, scratch.path("out.fvecs")], in: scratch, mentions: ["claims.npy", problem])
    let table = scratch.path("t.quiver")
    _ = try runQuiver(["convert", convertFixtureURL("vectors.fvecs").path, table])
    let search = try runQuiver(["search", table, "--query-file", input])
    #expect(search.status == 65)
    #expect(search.standardError.contains("claims.npy"))
  }

  @Test func aCSVRecordLongerThanTheLimit() throws {
    let scratch = try ScratchFolder()
    let line = [UInt8](repeating: UInt8(ascii: "7"), count: (16 << 20) + 10)
    let input = try scratch.write("long.csv", Array("id\n".utf8) + line + [10])
    try expectFailure(
      ["convert", input, scratch.path("out.jsonl")], in: scratch,
      mentions: ["long.csv", "line 2", "longer than 16 MiB"])
  }

  @Test func aQuotedCSVFieldLongerThanTheLimitAcrossLines() throws {
    let scratch = try ScratchFolder()
    let body = String(repeating: "abcdefg\n", count: (2 << 20) + 1)
    let input = try scratch.write("quoted.csv", text: "id,text\n1,\"" + body + "\"\n")
    try expectFailure(
      ["convert", input, scratch.path("out.jsonl")], in: scratch,
      mentions: ["quoted.csv", "line 2", "longer than 16 MiB"])
  }

  @Test func aCSVHeaderWithTooManyColumns() throws {
    let scratch = try ScratchFolder()
    let header = (0...65_536).map { "c\($0)" }.joined(separator: ",")
    let input = try scratch.write("wide.csv", text: header + "\n")
    try expectFailure(
      ["convert", input, scratch.path("out.jsonl")], in: scratch,
      mentions: ["wide.csv", "line 1", "more than 65536 fields"])
  }

  @Test func aJSONLineWithTooManyFields() throws {
    let scratch = try ScratchFolder()
    let members = (0...65_536).map { "\"c\($0)\": 1" }.joined(separator: ", ")
    let input = try scratch.write("wide.jsonl", text: "{" + members + "}\n")
    try expectFailure(
      ["convert", input, scratch.path("out.csv")], in: scratch,
      mentions: ["wide.jsonl", "line 1", "more than 65536 fields"])
  }

  @Test func manyJSONColumnsConvertInLinearTime() throws {
    let scratch = try ScratchFolder()
    let members = (0..<20_000).map { "\"c\($0)\": \($0)" }.joined(separator: ", ")
    let input = try scratch.write("wide.jsonl", text: "{" + members + "}\n")
    let result = try runQuiver(["convert", input, scratch.path("t.quiver")])
    #expect(result.status == 0, "\(result.standardError)")
  }

  @Test(arguments: [
    ("{\"x\": 1e400}\n", "x"),
    ("{\"x\": 1.5}\n{\"x\": -1e309}\n", "x"),
    ("{\"v\": [1, 2e39]}\n", "v"),
  ])
  func overflowingJSONNumbersAreRefused(text: String, column: String) throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("big.jsonl", text: text)
    try expectFailure(
      ["convert", input, scratch.path("t.quiver")], in: scratch,
      mentions: ["big.jsonl", "'\(column)'"])
  }

  @Test func infinityWrittenAsAWordInCSVIsStillRead() throws {
    let scratch = try ScratchFolder()
    let input = try scratch.write("words.csv", text: "x\ninf\n1.5\n")
    let result = try runQuiver(["convert", input, scratch.path("t.quiver")])
    #expect(result.status == 0, "\(result.standardError)")
  }
}
