import Foundation
import QuiverTestSupport
import Testing

@testable import QuiverCLI
@testable import QuiverTable

/// Index files whose row ids lie outside the fragments a version gives the index (issue 16):
/// searches fail with an error naming the index instead of returning other rows, and
/// `inspect --verify` reports it. Rows of fragments the version no longer has are expected.
extension InspectVerifyTests {
  /// The first `rows` vectors of the MiniLM fixture as an .fvecs file in `scratch`.
  func fixtureVectors(_ rows: Int, in scratch: ScratchFolder) throws -> String {
    let base = TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs")
    let path = scratch.path("base\(rows).fvecs")
    try Data(try Data(contentsOf: base).prefix(rows * (4 + 384 * 4)))
      .write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Row `row` of the MiniLM fixture as a `--vector` argument.
  func fixtureVectorArgument(_ row: Int) throws -> String {
    let base = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs"))
    let start = row * (4 + 384 * 4) + 4
    let floats = (0..<384).map { index in
      let offset = start + index * 4
      let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(base[offset + $1]) << (8 * $1) }
      return "\(Float(bitPattern: bits))"
    }
    return floats.joined(separator: ",")
  }

  /// A table of `fragments` fragments of `rows` fixture vectors each, with an index of `type`
  /// over all of them (the last version).
  func indexedTable(
    _ name: String, rows: Int, fragments: Int = 1, type: String, in scratch: ScratchFolder
  ) throws -> URL {
    let table = scratch.path(name)
    let vectors = try fixtureVectors(rows, in: scratch)
    #expect(try runQuiver(["convert", vectors, table]).status == 0)
    for _ in 1..<fragments {
      #expect(try runQuiver(["convert", vectors, table, "--mode", "append"]).status == 0)
    }
    let built = try runQuiver(
      ["index", table, "--type", type, "--quiet"]
        + (type == "HNSW" ? [] : ["--num-partitions", "2"]))
    #expect(built.status == 0, "\(built.standardError)")
    return URL(fileURLWithPath: table)
  }

  /// The folder of the only index of `table`.
  func onlyIndexFolder(_ table: URL) throws -> URL {
    let indices = table.appendingPathComponent("_indices")
    let uuid = try #require(try FileManager.default.contentsOfDirectory(atPath: indices.path).first)
    return indices.appendingPathComponent(uuid)
  }

  @Test func anIndexHoldingAFragmentItsEntryDoesNotCover() throws {
    let scratch = try ScratchFolder()
    // Two fragments indexed together; the entry is forged to cover fragment 0 only.
    let table = try indexedTable("t.quiver", rows: 64, fragments: 2, type: "IVF_FLAT", in: scratch)
    try forge(table, version: 3) { $0.indices[0].fragmentIDs = [0] }
    let vector = try fixtureVectorArgument(3)
    let search = try runQuiver(["search", table.path, "--vector", vector, "--limit", "5"])
    expectOneLineFailure(
      search, status: 1,
      mentions: ["index 'vector_idx'", "holds rows of fragment 1", "does not cover"])
    let fallback = try runQuiver(
      ["search", table.path, "--vector", vector, "--limit", "5", "--fallback-on-damaged-index"])
    #expect(fallback.status == 0, "\(fallback.standardError)")
    try expectDamage(
      table, mentions: ["version 3", "of fragment 1, which the version has but the index does not cover"])
  }

  @Test(arguments: ["IVF_FLAT", "HNSW"])
  func anIndexHoldingOffsetsPastItsFragment(type: String) throws {
    let scratch = try ScratchFolder()
    // The index of a 64-row table, copied into the index folder of a 32-row one.
    let large = try indexedTable("large.quiver", rows: 64, type: type, in: scratch)
    let small = try indexedTable("small.quiver", rows: 32, type: type, in: scratch)
    let source = try onlyIndexFolder(large)
    let target = try onlyIndexFolder(small)
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
      try FileManager.default.removeItem(at: target.appendingPathComponent(name))
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
    }
    // Rows 32 … 63 lie past the 32-row fragment: the partition holding them fails to load.
    let search = try runQuiver(
      ["search", small.path, "--vector", try fixtureVectorArgument(50), "--limit", "5"])
    expectOneLineFailure(
      search, status: 1,
      mentions: [
        type == "HNSW" ? "hnsw.partitions partition 0" : "ivf.partitions partition",
        "of fragment 0, which has 32 rows",
      ])
    try expectDamage(small, mentions: ["version 2", "of fragment 0, which has 32 rows"])
  }

  @Test(arguments: [("IVF_PQ", "ivf"), ("IVF_HNSW_SQ", "hnsw"), ("IVF_RQ", "rq")])
  func aPartitionRowIDRewrittenPastItsFragment(type: String, files: String) throws {
    let scratch = try ScratchFolder()
    let table = try indexedTable("t.quiver", rows: 64, type: type, in: scratch)
    // The first row id of a partition becomes offset 69 of the 64-row fragment 0, every
    // checksum recomputed.
    try IndexFileForgery.rewriteRowID(
      in: try onlyIndexFolder(table), model: "\(files).meta", partitions: "\(files).partitions",
      position: 0, to: 69)
    let search = try runQuiver(
      ["search", table.path, "--vector", try fixtureVectorArgument(3), "--nprobes", "2"])
    expectOneLineFailure(
      search, status: 1,
      mentions: ["\(files).partitions partition", "row ids[0] = 69 is offset 69 of fragment 0"])
    try expectDamage(table, mentions: ["version 2", "offset 69 of fragment 0, which has 64 rows"])
  }

  @Test func inspectCreatesNothingForAMissingIndexFolder() throws {
    let scratch = try ScratchFolder()
    let table = try indexedTable("t.quiver", rows: 16, type: "IVF_FLAT", in: scratch)
    let folder = try onlyIndexFolder(table)
    try FileManager.default.removeItem(at: folder)
    #expect(try runQuiver(["inspect", table.path]).status == 0)
    try expectDamage(table, mentions: ["has no folder"])
    #expect(!FileManager.default.fileExists(atPath: folder.path))
  }

  @Test func rowsOfFragmentsTheVersionNoLongerHasAreExpected() throws {
    let scratch = try ScratchFolder()
    let table = try indexedTable("t.quiver", rows: 16, type: "IVF_FLAT", in: scratch)
    let dataset = try Dataset.open(at: table)
    let entry = try #require(dataset.indices.first)
    let coverage = IndexRowCoverage(entry: entry, dataset: dataset)
    // Fragment 9 was compacted away (or never existed): nothing to say.
    #expect(coverage.problem([9 << 32 | 1000], partition: 0) == nil)
    #expect(coverage.problem([15], partition: 0) == nil)
    let past = coverage.problem([16], partition: 1)
    #expect(past?.contains("partition 1 holds row id 16, offset 16 of fragment 0") == true)
  }
}
