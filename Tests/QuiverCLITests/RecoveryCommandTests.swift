import Foundation
import QuiverTestSupport
import Testing

/// `quiver index --drop` and `quiver cleanup`: the tools to recover from a damaged index and
/// from files left by failed or killed writes (issue 16).
@Suite struct RecoveryCommandTests {
  func makeIndexedTable(in scratch: ScratchFolder) throws -> String {
    let table = scratch.path("t.quiver")
    let base = TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs").path
    #expect(try runQuiver(["convert", base, table]).status == 0)
    let built = try runQuiver([
      "index", table, "--type", "IVF_FLAT", "--num-partitions", "4", "--quiet",
    ])
    #expect(built.status == 0, "\(built.standardError)")
    return table
  }

  @Test func dropThenCleanupRemovesTheIndexFiles() throws {
    let scratch = try ScratchFolder()
    let table = try makeIndexedTable(in: scratch)
    let indices = URL(fileURLWithPath: table).appendingPathComponent("_indices").path
    let uuid = try #require(try FileManager.default.contentsOfDirectory(atPath: indices).first)
    // Damage the index: every search through it fails, and --drop still works.
    let model = "\(indices)/\(uuid)/ivf.meta"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: model))
    bytes[40] ^= 0x20
    try FileManager.default.removeItem(atPath: model)
    try bytes.write(to: URL(fileURLWithPath: model))
    let vector = Array(repeating: "0.01", count: 384).joined(separator: ",")
    #expect(try runQuiver(["search", table, "--vector", vector]).status != 0)
    let fallback = try runQuiver(["search", table, "--vector", vector, "--fallback-on-damaged-index"])
    #expect(fallback.status == 0, "\(fallback.standardError)")

    let dropped = try runQuiver(["index", table, "--drop", "vector_idx"])
    #expect(dropped.status == 0, "\(dropped.standardError)")
    #expect(dropped.standardOutput.contains("dropped index 'vector_idx'"))
    #expect(try runQuiver(["search", table, "--vector", vector]).status == 0)
    let missing = try runQuiver(["index", table, "--drop", "vector_idx"])
    #expect(missing.status != 0)
    #expect(missing.standardError.contains("no index 'vector_idx'"))

    // The dropped index is still referenced by older versions until they go.
    let kept = try runQuiver(["cleanup", table, "--grace-period", "0"])
    #expect(kept.status == 0, "\(kept.standardError)")
    #expect(FileManager.default.fileExists(atPath: "\(indices)/\(uuid)"))
    let removed = try runQuiver(["cleanup", table, "--grace-period", "0", "--keep-versions", "1", "--json"])
    #expect(removed.status == 0, "\(removed.standardError)")
    #expect(removed.standardOutput.contains("_indices/\(uuid)/"))
    #expect(!FileManager.default.fileExists(atPath: "\(indices)/\(uuid)"))
    #expect(try runQuiver(["inspect", table, "--verify"]).status == 0)
  }

  @Test func cleanupRemovesOnlyOldOrphans() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    #expect(try runQuiver(["convert", convertFixtureURL("vectors.fvecs").path, table]).status == 0)
    let orphan = URL(fileURLWithPath: table).appendingPathComponent("data/orphan.qvf")
    try Data(repeating: 1, count: 1000).write(to: orphan)
    let young = try runQuiver(["cleanup", table])
    #expect(young.status == 0)
    #expect(young.standardOutput.contains("0 files"))
    #expect(FileManager.default.fileExists(atPath: orphan.path))

    let old = Date().addingTimeInterval(-7200)
    try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: orphan.path)
    let result = try runQuiver(["cleanup", table])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput.contains("removed data/orphan.qvf"))
    #expect(result.standardOutput.contains("1000 bytes freed"))
    #expect(!FileManager.default.fileExists(atPath: orphan.path))
    let search = try runQuiver(["search", table, "--vector", "0.1,0.2,0.3,0.4"])
    #expect(search.status == 0, "\(search.standardError)")
  }

  @Test func cleanupRemovesAndReportsAnOldEmptyIndexFolder() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    #expect(try runQuiver(["convert", convertFixtureURL("vectors.fvecs").path, table]).status == 0)
    // What an index build killed before its first file leaves.
    let killed = URL(fileURLWithPath: table).appendingPathComponent("_indices/killed").path
    try FileManager.default.createDirectory(atPath: killed, withIntermediateDirectories: true)
    let young = try runQuiver(["cleanup", table])
    #expect(young.status == 0, "\(young.standardError)")
    #expect(young.standardOutput.contains("0 files, 0 folders"))
    #expect(FileManager.default.fileExists(atPath: killed))

    let old = Date().addingTimeInterval(-7200)
    try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: killed)
    let result = try runQuiver(["cleanup", table, "--json"])
    #expect(result.status == 0, "\(result.standardError)")
    let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
    let folders = (report as? [String: Any])?["removed_folders"] as? [[String: Any]]
    #expect(folders?.count == 1)
    #expect(folders?.first?["path"] as? String == "_indices/killed/")
    #expect(folders?.first?["bytes"] as? Int == 0)
    #expect(!FileManager.default.fileExists(atPath: killed))

    try FileManager.default.createDirectory(atPath: killed, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: killed)
    let text = try runQuiver(["cleanup", table])
    #expect(text.standardOutput.contains("removed _indices/killed/ (folder, 0 bytes)"))
    #expect(text.standardOutput.contains("0 files, 1 folders, 0 versions removed; 0 bytes freed"))
  }
}
