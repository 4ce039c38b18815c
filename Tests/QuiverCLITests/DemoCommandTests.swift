import Foundation
import QuiverTestSupport
import Testing

@Test func demoCreatesIndexesSearchesAndMeasures() throws {
  let result = try runQuiver(["demo", "--generated", "--rows", "1000", "--dimension", "16", "--queries", "20"])
  #expect(result.status == 0, "\(result.standardError)")
  for fragment in [
    "created table 'items'", "built IVF_PQ", "IVF_HNSW_SQ", "the seed's query", "recall@10",
    "exact scan (bypassVectorIndex)", "demo finished",
  ] {
    #expect(result.standardOutput.contains(fragment), "\(fragment)")
  }
  // The exact scan's recall against the exact ground truth must be 1, and the refined IVF_PQ
  // search must find most of it.
  let lines = result.standardOutput.split(separator: "\n")
  let exactLine = lines.first { $0.hasPrefix("exact scan") }
  #expect(exactLine?.contains("  1.000  ") == true)
  let refined = try #require(lines.first { $0.hasPrefix("IVF_PQ l2, nprobes 20, refine 10") })
  let recall = try #require(Double(refined.split(separator: " ", omittingEmptySubsequences: true).reversed()[3]))
  #expect(recall >= 0.8)
  // The seed's filtered query returns rows that pass the filter.
  #expect(result.standardOutput.contains("item-"))
}
