import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// The README's Swift example, as written there, must compile and give the answer it implies.
/// The rows of the README's example.
struct Item: Codable {
  let item: String
  let price: Double
  let vector: [Float]
}

@Test func readmeExampleRuns() throws {
  let folder = try TestPaths.temporaryDirectory("quiver-readme")
  defer { try? FileManager.default.removeItem(at: folder) }
  let moreItems = [
    Item(item: "baz", price: 30.0, vector: [3.0, 4.2]),
    Item(item: "qux", price: 1.0, vector: [3.0, 4.0]),
  ]

  let db = try Database(path: folder.path)
  let table = try db.createTable("my_vectors", rows: [
    Item(item: "foo", price: 10.0, vector: [3.1, 4.1]),
    Item(item: "bar", price: 20.0, vector: [5.9, 26.5]),
  ])
  try table.add(moreItems)
  try table.createIndex(on: "vector", .ivfHNSWSQ(metric: .l2, m: 20, efConstruction: 300))
  let hits = try table.search([3.0, 4.0])
    .limit(2).nprobes(20).refineFactor(10)
    .where("price > 5 AND item IN ('foo', 'bar')", prefilter: true)
    .select(["item", "price"])
    .execute()
  let plan = try table.search([3.0, 4.0]).limit(2).explain()

  #expect(hits.schema.names == ["item", "price", "_distance"])
  #expect(hits["item"]?.strings == ["foo", "bar"])
  let printed = "\(hits)".split(separator: "\n")
  #expect(printed.count == 5)
  #expect(printed.first == "item  price  _distance")
  #expect(printed.dropFirst(2).first?.hasPrefix("foo   10.0   0.01999") == true)
  #expect(printed.last == "(2 rows)")
  #expect(plan.contains("IVF_HNSW_SQ"))
  #expect(plan.contains("Metric: l2"))
}
