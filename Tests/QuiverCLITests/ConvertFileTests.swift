import Foundation
import QuiverTestSupport
import Testing

/// `quiver convert` between exchange files, checked byte for byte against files written by numpy
/// and Python's csv / json modules (Fixtures/convert/make_fixtures.py).
@Suite struct ConvertFileTests {
  /// Pairs (input fixture, output extension, fixture the output must equal byte for byte).
  static let exactPairs: [(String, String, String)] = [
    ("vectors.fvecs", "npy", "vectors_float32.npy"),
    ("vectors_float32.npy", "fvecs", "vectors.fvecs"),
    ("vectors.bvecs", "npy", "vectors_uint8.npy"),
    ("vectors_uint8.npy", "bvecs", "vectors.bvecs"),
    ("vectors.ivecs", "npy", "vectors_int32.npy"),
    ("vectors_int32.npy", "ivecs", "vectors.ivecs"),
    ("table.csv", "fvecs", "vectors.fvecs"),
    ("table.jsonl", "fvecs", "vectors.fvecs"),
    ("table.jsonl", "npy", "vectors_float32.npy"),
  ]

  @Test(arguments: exactPairs)
  func convertsByteExactly(input: String, outputExtension: String, expected: String) throws {
    let scratch = try ScratchFolder()
    let output = scratch.path("out.\(outputExtension)")
    let result = try runQuiver(["convert", convertFixtureURL(input).path, output])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("converted 6 rows"))
    #expect(try fileBytes(output) == convertFixture(expected))
  }

  /// Vectors printed as text by Quiver (shortest round-trip decimals) read back to the same bits,
  /// through CSV and JSON Lines, for float32 and float16 (whose text is the float32 of the half).
  @Test(arguments: [("vectors_float32.npy", "vector"), ("vectors_float16.npy", "vector:float16")])
  func textRoundTripsAreExact(fixture: String, declared: String) throws {
    let scratch = try ScratchFolder()
    for text in ["csv", "jsonl"] {
      let middle = scratch.path("middle-\(fixture).\(text)")
      let back = scratch.path("back-\(fixture)-\(text).npy")
      #expect(try runQuiver(["convert", convertFixtureURL(fixture).path, middle]).status == 0)
      let result = try runQuiver(["convert", middle, back, "--column-type", "vector=\(declared)"])
      #expect(result.status == 0, "\(result.standardError)")
      #expect(try fileBytes(back) == convertFixture(fixture))
    }
  }

  @Test func csvAndJSONLinesKeepScalarsNullsAndQuoting() throws {
    let scratch = try ScratchFolder()
    let jsonl = scratch.path("table.jsonl")
    let result = try runQuiver(["convert", convertFixtureURL("table.csv").path, jsonl, "--json"])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("\"rows\": 6"))
    #expect(result.standardOutput.contains("\"in_stock\": \"bool\""))
    let lines = try String(contentsOfFile: jsonl, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 6)
    #expect(lines[0].hasPrefix(#"{"id": 1, "name": "apple", "price": 1.5, "in_stock": true, "note": "fruit, red""#))
    #expect(lines[1].contains(#""name": "say \"hi\"""#))
    #expect(lines[1].contains(#""note": "multi\nline""#))
    #expect(lines[2].contains(#""name": null"#))
    #expect(lines[4].contains(#""price": 1e-07"#))

    // Nested objects of the Python-written JSON Lines file become dotted columns, and come back
    // through CSV unchanged.
    let csv = scratch.path("nested.csv")
    #expect(try runQuiver(["convert", convertFixtureURL("table.jsonl").path, csv]).status == 0)
    let text = try String(contentsOfFile: csv, encoding: .utf8)
    #expect(text.hasPrefix("id,name,price,in_stock,meta.note,meta.rank,vector\r\n"))
    #expect(text.contains("3,,-2.25,true,\"\",30,"))
  }

  @Test func existingOutputsAreKeptUnlessOverwriting() throws {
    let scratch = try ScratchFolder()
    let output = try scratch.write("out.fvecs", [1, 2, 3])
    let refused = try runQuiver(["convert", convertFixtureURL("vectors_float32.npy").path, output])
    expectOneLineFailure(refused, status: 73, mentions: [output, "already exists"])
    #expect(try fileBytes(output) == [1, 2, 3])
    let replaced = try runQuiver([
      "convert", convertFixtureURL("vectors_float32.npy").path, output, "--mode", "overwrite",
    ])
    #expect(replaced.status == 0)
    #expect(try fileBytes(output) == convertFixture("vectors.fvecs"))
  }
}
