import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// The README's Swift example, as written there, must compile and give the answer it implies.
@Test func readmeExampleRuns() throws {
  let folder = try TestPaths.temporaryDirectory("quiver-readme")
  defer { try? FileManager.default.removeItem(at: folder) }
  let moreRows = try RecordBatch(columns: [
    "item": ["baz", "qux"],
    "price": [30.0, 1.0],
    "vector": [[3.0, 4.2], [3.0, 4.0]] as [[Float]],
  ])

  let db = try Database(path: folder.path)
  let batch = try RecordBatch(columns: [
    "item": ["foo", "bar"],
    "price": [10.0, 20.0],
    "vector": [[3.1, 4.1], [5.9, 26.5]] as [[Float]],
  ])
  let table = try db.createTable("my_vectors", data: batch)
  try table.add(moreRows)
  try table.createIndex(on: "vector", .ivfHnswSQ(metric: .l2, m: 20, efConstruction: 300))
  let hits = try table.search([3.0, 4.0])
    .limit(2).nprobes(20).refineFactor(10)
    .where("price > 5 AND item IN ('foo', 'bar')", prefilter: true)
    .select(["item", "price"])
    .execute()
  let plan = try table.search([3.0, 4.0]).limit(2).explain()

  #expect(hits.schema.names == ["item", "price", "_distance"])
  #expect(hits["item"]?.strings == ["foo", "bar"])
  #expect(plan.contains("IVF_HNSW_SQ"))
}
