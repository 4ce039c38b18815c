import Foundation
import QuiverTestSupport
import Testing

@Test func demoRunsAndPrintsResultsForEveryMetric() throws {
  let result = try runQuiver(["demo", "--rows", "500", "--dimension", "16"])
  #expect(result.status == 0)
  for metric in ["l2", "cosine", "dot"] {
    #expect(result.standardOutput.contains("\(metric): exact top-5"))
  }
}
