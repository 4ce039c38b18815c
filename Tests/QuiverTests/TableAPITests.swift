import Foundation
import Quiver
import QuiverTestSupport
import Testing

/// A fresh database in a temporary folder, removed after `body`.
func withDatabase(_ body: (Database) throws -> Void) throws {
  let folder = try TestPaths.temporaryDirectory("quiver-api")
  defer { try? FileManager.default.removeItem(at: folder) }
  try body(try Database(url: folder))
}

/// `count` rows of 8-d vectors with an item name and a price.
func itemsBatch(_ range: Range<Int>, seed: UInt64 = 3) throws -> RecordBatch {
  var generator = SeededGenerator(seed: seed)
  let vectors = range.map { _ in generator.floats(8) }
  return try RecordBatch(columns: [
    "item": range.map { "item\($0)" },
    "price": range.map { Double($0 % 50) },
    "category": range.map { ["a", "b", "c"][$0 % 3] },
    "vector": vectors,
  ])
}

@Suite struct TableAPITests {
  @Test func seedExampleEndToEnd() throws {
    try withDatabase { db in
      let table = try db.createTable("my_vectors", data: try itemsBatch(0..<600))
      try table.add(try itemsBatch(600..<700, seed: 4))
      #expect(try db.tableNames() == ["my_vectors"])
      try table.createIndex(
        on: "vector", .ivfPQ(metric: .l2, numPartitions: 4, numSubVectors: 4, numBits: 4))
      let query: [Float] = try #require(try table.scan().limit(1).select(["vector"]).execute()["vector"]?.vector(at: 0))
      let hits = try table.search(query).limit(2).nprobes(20).refineFactor(10)
        .where("price > 10 AND category IN ('a', 'b')", prefilter: true)
        .select(["item", "price"])
        .execute()
      #expect(hits.schema.names == ["item", "price", "_distance"])
      #expect(hits.rowCount == 2)
      #expect(hits["price"]!.values(as: Double.self).allSatisfy { $0 > 10 })
      // The first row (item0, price 0) fails the filter; without it, it is its own nearest.
      let unfiltered = try table.search(query).limit(1).refineFactor(10).select(["item"]).execute()
      #expect(unfiltered["item"]!.strings == ["item0"])
      #expect(unfiltered["_distance"]!.values(as: Float.self) == [0])
      // Reopen: the index is found again and used.
      let reopened = try db.openTable("my_vectors")
      #expect(try reopened.search(query).explain().contains("ANN IVF_PQ index 'vector_idx'"))
      #expect(try reopened.countRows() == 700)
    }
  }

  @Test func decodesRowsIntoSwiftTypes() throws {
    struct Hit: Decodable, Equatable {
      let item: String
      let price: Double
      let _distance: Float
      let missing: Int?
    }
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<50))
      let query = try #require(try table.scan().where("item = 'item7'").execute()["vector"]?.vector(at: 0))
      let hits = try table.search(query).limit(3).rows(as: Hit.self)
      #expect(hits.count == 3)
      #expect(hits[0] == Hit(item: "item7", price: 7, _distance: 0, missing: nil))
      struct Row: Decodable { let item: String; let vector: [Float]; let price: Int }
      let rows = try table.scan().where("price < 2").rows(as: Row.self)
      #expect(rows.map(\.item) == ["item0", "item1"])
      #expect(rows[1].price == 1)
      #expect(rows[0].vector.count == 8)
      struct Bad: Decodable { let item: Int }
      #expect(throws: DecodingError.self) { try table.scan().limit(1).rows(as: Bad.self) }
    }
  }

  @Test func scanCountDeleteUpdateMergeInsert() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<30))
      #expect(try table.countRows(where: "category = 'a'") == 10)
      #expect(try table.delete(where: "price >= 25") == 5)
      #expect(try table.countRows() == 25)
      #expect(try table.update(where: "item = 'item3'", values: ["price": .float(99), "category": .string("z")]) == 1)
      let updated = try table.scan().where("item = 'item3'").select(["price", "category"]).execute()
      #expect(updated["price"]!.values(as: Double.self) == [99])
      #expect(updated["category"]!.strings == ["z"])
      #expect(try table.countRows() == 25)
      #expect(throws: QueryError.self) { try table.update(values: ["nope": .int(1)]) }
      #expect(throws: QueryError.self) { try table.update(values: ["price": .string("x")]) }

      // Upsert: item1 and item2 change, item100 is new.
      var generator = SeededGenerator(seed: 9)
      let upsert = try RecordBatch(columns: [
        "item": ["item1", "item2", "item100"],
        "price": [1000.0, 2000.0, 3000.0],
        "category": ["u", "u", "n"],
        "vector": (0..<3).map { _ in generator.floats(8) },
      ])
      let result = try table.mergeInsert(on: "item", data: upsert)
      #expect(result.updated == 2 && result.inserted == 1)
      #expect(try table.countRows() == 26)
      #expect(try table.countRows(where: "price >= 1000") == 3)
      #expect(try table.countRows(where: "item = 'item1'") == 1)
      let page = try table.scan().where("category != 'u'").select(["item"]).offset(2).limit(3).withRowId().execute()
      #expect(page.rowCount == 3)
      #expect(page.schema.names == ["item", "_rowid"])
    }
  }

  @Test func metricOverrideAndBypassUseExactScan() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<400))
      try table.createIndex(on: "vector", .ivfFlat(metric: .cosine, numPartitions: 4))
      let query = try #require(try table.scan().limit(1).execute()["vector"]?.vector(at: 0))
      let plan = try table.search(query).metric(.l2).explain()
      #expect(plan.contains("metric l2 was requested but 'vector_idx' is cosine; exact scan"))
      #expect(plan.contains("ExactScan vector (l2)"))
      let exact = try table.search(query).metric(.l2).limit(5).withRowId().execute()
      let bypass = try table.search(query).metric(.l2).bypassVectorIndex().limit(5).withRowId().execute()
      #expect(exact == bypass)
      #expect(try table.search(query).bypassVectorIndex().explain().contains("bypassed"))
      #expect(try table.search(query).explain().contains("ANN IVF_FLAT"))
      let analyzed = try table.search(query).nprobes(2).analyze()
      #expect(analyzed.contains("partitions probed 2"))
    }
  }

  @Test func batchSearchAnswersEachQuery() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<300))
      try table.createIndex(on: "vector", .ivfSQ(metric: .dot, numPartitions: 4))
      var generator = SeededGenerator(seed: 5)
      let queries = (0..<7).map { _ in generator.floats(8) }
      let results = try table.search(batch: queries).limit(4).refineFactor(3).where("price < 30").execute()
      #expect(results.count == 7)
      for (query, result) in zip(queries, results) {
        #expect(result == (try table.search(query).limit(4).refineFactor(3).where("price < 30").execute()))
      }
    }
  }

  @Test func badInputThrowsTypedErrors() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<50))
      let query = [Float](repeating: 0.1, count: 8)
      func code(_ search: VectorSearch) -> QueryError.Code? {
        do {
          _ = try search.execute()
          return nil
        } catch let error as QueryError {
          return error.code
        } catch {
          return nil
        }
      }
      #expect(code(table.search([1, 2, 3])) == .dimensionMismatch)
      #expect(code(table.search(query.map { $0 * .nan })) == .invalidVector)
      #expect(code(table.search(query).limit(0)) == .invalidArgument)
      #expect(code(table.search(query).select(["nope"])) == .unknownColumn)
      #expect(code(table.search(query).where("nope = 1")) == .unknownColumn)
      #expect(code(table.search(query).where("price = 'x'")) == .typeMismatch)
      #expect(code(table.search(query).where("price >")) == .syntaxError)
      do {
        _ = try table.search(query).where("price > 1 AND categroy = 'a'").execute()
      } catch let error as QueryError {
        #expect(error.message.hasPrefix("at column 15: unknown column 'categroy'"))
      }
      #expect(throws: QueryError.self) { try table.createIndex(on: "price", .ivfFlat()) }
      #expect(throws: QueryError.self) { try table.createIndex(on: "nope", .ivfFlat()) }
      #expect(throws: (any Error).self) { try table.createIndex(on: "vector", .ivfFlat(numPartitions: 500)) }
      #expect(throws: QueryError.self) { try table.search(batch: []).execute() }
    }
  }
}
