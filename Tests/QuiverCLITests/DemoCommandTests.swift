import Foundation
import QuiverTestSupport
import Testing

@Test func demoCreatesIndexesSearchesAndMeasures() throws {
  let result = try runQuiver(["demo", "--generated", "--rows", "2000", "--dimension", "16", "--queries", "20"])
  #expect(result.status == 0, "\(result.standardError)")
  for fragment in [
    "created table 'items'", "built IVF_PQ", "built IVF_HNSW_SQ", "the seed's query", "recall@10",
    "exact scan (bypassVectorIndex)", "demo finished",
  ] {
    #expect(result.standardOutput.contains(fragment), "\(fragment)")
  }
  // The exact scan's recall against the exact ground truth must be 1.
  let exactLine = result.standardOutput.split(separator: "\n").first { $0.hasPrefix("exact scan") }
  #expect(exactLine?.contains("1.000") == true)
}
