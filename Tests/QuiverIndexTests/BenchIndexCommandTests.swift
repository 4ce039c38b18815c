import Foundation
import QuiverTestSupport
import Testing

/// `quiver bench index` end to end on the fixture (the built binary, debug).
@Suite struct BenchIndexCommandTests {
  @Test func flatIndexProbingEveryPartitionHasRecallOne() throws {
    let folder = MiniLMFixture.folder.path
    let result = try runQuiver([
      "bench", "index", "--base", "\(folder)/base.fvecs", "--queries", "\(folder)/query.fvecs",
      "--ground-truth", "\(folder)/groundtruth_l2.ivecs", "--type", "IVF_FLAT", "--metric", "l2",
      "--num-partitions", "8", "--max-iterations", "4", "--limit-queries", "20",
      "--sweep", "nprobes=1,8", "--json",
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let points = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    #expect(points.count == 2)
    for key in [
      "type", "metric", "nprobes", "ef", "refine_factor", "recall_at_10", "qps", "p50_ms",
      "p99_ms", "build_seconds", "index_bytes", "peak_memory_bytes",
    ] {
      #expect(points.allSatisfy { $0[key] != nil }, "missing \(key)")
    }
    #expect(points[0]["type"] as? String == "IVF_FLAT")
    #expect(points.map { $0["nprobes"] as? Int } == [1, 8])
    #expect((points[1]["recall_at_10"] as? Double) == 1.0)
    #expect((points[0]["recall_at_10"] as? Double ?? 1) < 1.0)
    #expect((points[0]["index_bytes"] as? Int ?? 0) >= 2000 * 384 * 4)
  }

  @Test func badTypeFailsWithAMessage() throws {
    let folder = MiniLMFixture.folder.path
    let result = try runQuiver([
      "bench", "index", "--base", "\(folder)/base.fvecs", "--queries", "\(folder)/query.fvecs",
      "--ground-truth", "\(folder)/groundtruth_l2.ivecs", "--type", "IVF_XX",
    ])
    #expect(result.status != 0)
    #expect(result.standardError.contains("IVF_XX"))
  }
}
