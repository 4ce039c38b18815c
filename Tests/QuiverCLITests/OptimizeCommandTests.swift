import Foundation
import QuiverTestSupport
import Testing

/// `quiver optimize TABLE` (issue 12): updates the index with appended rows and says so.
@Suite struct OptimizeCommandTests {
  @Test func optimizeAddsAppendedRowsToTheIndexAndReportsIt() throws {
    let scratch = try ScratchFolder()
    let table = scratch.path("t.quiver")
    let base = TestPaths.fixtures.appendingPathComponent("minilm-2k/base.fvecs").path
    #expect(try runQuiver(["convert", base, table]).status == 0)
    let built = try runQuiver([
      "index", table, "--type", "IVF_PQ", "--num-partitions", "4", "--num-sub-vectors", "48",
      "--quiet",
    ])
    #expect(built.status == 0, "\(built.standardError)")
    let appended = try runQuiver(["convert", base, table, "--mode", "append"])
    #expect(appended.status == 0, "\(appended.standardError)")

    let optimized = try runQuiver(["optimize", table, "--skip-compaction", "--skip-cleanup"])
    #expect(optimized.status == 0, "\(optimized.standardError)")
    #expect(optimized.standardOutput.contains("index 'vector_idx': 2000 rows added"))
    #expect(optimized.standardOutput.contains("; peak memory "))
    // Not a terminal: plain progress lines naming the command and the phase.
    #expect(optimized.standardError.contains("quiver optimize: "))
    #expect(optimized.standardError.contains(" encoding "))
    let again = try runQuiver(["optimize", table, "--json", "--older-than", "0"])
    #expect(again.status == 0, "\(again.standardError)")
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(again.standardOutput.utf8)) as? [String: Any])
    #expect((report["peak_rss_bytes"] as? Int ?? 0) > 0)
    let indexes = try #require(report["indexes"] as? [[String: Any]])
    #expect(indexes.first?["remapped_rows"] as? Int == 4000)
    let cleanup = try #require(report["cleanup"] as? [String: Any])
    #expect((cleanup["removed_versions"] as? [Int])?.isEmpty == false)

    let invalid = try runQuiver(["optimize", table, "--older-than", "-1"])
    #expect(invalid.status == 64)
  }
}
