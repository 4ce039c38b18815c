import Foundation
import QuiverTestSupport
import Testing

/// `quiver inspect` on tables and data files, and `--verify` on files damaged on purpose.
@Suite struct InspectTests {
  func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func tableReportAsJSON() throws {
    let scratch = try ScratchFolder()
    let table = try makeTwoVersionTable(in: scratch)
    let latest = try runQuiver(["inspect", table, "--json"])
    #expect(latest.status == 0, "\(latest.standardError)")
    let object = try json(latest.standardOutput)
    #expect(object["version"] as? Int == 2)
    #expect(object["rows"] as? Int == 12)
    #expect(object["deleted_rows"] as? Int == 0)
    #expect((object["fragments"] as? [Any])?.count == 2)
    #expect((object["indexes"] as? [Any])?.count == 0)
    let schema = try #require(object["schema"] as? [[String: Any]])
    #expect(
      schema.map { $0["name"] as? String } == [
        "id", "name", "price", "in_stock", "meta.note", "meta.rank", "vector",
      ])
    #expect(schema.last?["type"] as? String == "fixed_size_list<float32>[4]")
    let columns = try #require(object["columns"] as? [[String: Any]])
    let vector = try #require(columns.first { $0["name"] as? String == "vector" })
    #expect(vector["plain_bytes"] as? Int == 12 * 4 * 4)
    #expect((vector["stored_bytes"] as? Int ?? 0) >= 12 * 4 * 4)
    #expect((object["versions"] as? [Any])?.count == 2)

    let first = try json(
      try runQuiver(["inspect", table, "--version", "1", "--json"]).standardOutput)
    #expect(first["version"] as? Int == 1)
    #expect(first["rows"] as? Int == 6)
    #expect((first["fragments"] as? [Any])?.count == 1)

    let missing = try runQuiver(["inspect", table, "--version", "9"])
    expectOneLineFailure(missing, status: 66, mentions: [table, "version 9"])
  }

  @Test func tableReportAsText() throws {
    let scratch = try ScratchFolder()
    let table = try makeTwoVersionTable(in: scratch)
    let result = try runQuiver(["inspect", table])
    #expect(result.status == 0)
    for fragment in [
      "version 2 (latest)", "12 rows, 0 deleted, 2 fragments", "versions:", "columns:",
      "fragments:", "indexes: none", "meta.rank",
    ] {
      #expect(result.standardOutput.contains(fragment), "\(fragment)")
    }
  }

  @Test func dataFilePagesAndVerification() throws {
    let scratch = try ScratchFolder()
    let table = try makeTwoVersionTable(in: scratch)
    let files = try FileManager.default.contentsOfDirectory(atPath: table + "/data").sorted()
    let file = table + "/data/" + files[0]
    let clean = try runQuiver(["inspect", file, "--verify", "--json"])
    #expect(clean.status == 0, "\(clean.standardError)")
    let object = try json(clean.standardOutput)
    #expect(object["rows"] as? Int == 6)
    let pages = try #require(object["pages"] as? [[String: Any]])
    #expect(pages.count >= 7)
    #expect(pages.allSatisfy { $0["verified"] as? Bool == true })
    let idPage = try #require(pages.first { $0["column"] as? String == "id" })
    #expect(idPage["min"] as? Int == 1)
    #expect(idPage["max"] as? Int == 6)

    // Flip one byte inside the vector column's page: verify names the file, the page and the
    // column, and fails; plain inspection of the footer still works.
    let vectorPage = try #require(pages.first { $0["column"] as? String == "vector" })
    let offset = try #require(vectorPage["offset"] as? Int)
    var bytes = try fileBytes(file)
    bytes[offset + 5] ^= 0x40
    try Data(bytes).write(to: URL(fileURLWithPath: file))

    let damaged = try runQuiver(["inspect", file])
    #expect(damaged.status == 65)
    #expect(damaged.standardError.contains(files[0]))
    #expect(damaged.standardError.contains("page 0 of column 'vector'"))
    #expect(damaged.standardOutput.contains("DAMAGED"))

    let tableVerify = try runQuiver(["inspect", table, "--verify", "--json"])
    #expect(tableVerify.status == 65)
    let report = try json(tableVerify.standardOutput)
    #expect(report["verified"] as? Bool == false)
    let damage = try #require(report["damage"] as? [String])
    #expect(damage.count == 1)
    #expect(damage.first?.contains(files[0]) == true)
    #expect(damage.first?.contains("column 'vector'") == true)
    #expect(try runQuiver(["inspect", table]).status == 0)
  }

  @Test func truncatedDataFileIsNamed() throws {
    let scratch = try ScratchFolder()
    let table = try makeTwoVersionTable(in: scratch)
    let files = try FileManager.default.contentsOfDirectory(atPath: table + "/data").sorted()
    let file = table + "/data/" + files[1]
    let bytes = try fileBytes(file)
    try Data(bytes.dropLast(10)).write(to: URL(fileURLWithPath: file))
    let result = try runQuiver(["inspect", file])
    expectOneLineFailure(result, status: 65, mentions: [files[1]])
    let verify = try runQuiver(["inspect", table, "--verify"])
    #expect(verify.status == 65)
    #expect(verify.standardError.contains(files[1]))
  }

  @Test func missingPath() throws {
    let scratch = try ScratchFolder()
    expectOneLineFailure(
      try runQuiver(["inspect", scratch.path("nothing")]), status: 66,
      mentions: ["nothing", "no such"])
    let empty = scratch.path("empty")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
    expectOneLineFailure(
      try runQuiver(["inspect", empty]), status: 66, mentions: ["empty", "no table"])
  }
}
