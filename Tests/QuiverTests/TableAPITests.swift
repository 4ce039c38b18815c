import Foundation
import Quiver
import QuiverKernels
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

  @Test func filtersOverEveryTypeAgreeWithSwift() throws {
    try withDatabase { db in
      func batch(_ range: Range<Int>) throws -> RecordBatch {
        try RecordBatch([
          ("id", Column(range.map { Int64($0) })),
          ("small", Column(range.map { $0 % 7 == 0 ? nil : UInt8($0 % 200) })),
          ("score", Column(range.map { Float($0) / 10 })),
          ("created", Column(timestampMicroseconds: range.map { 1_704_067_200_000_000 + Int64($0) * 3_600_000_000 })),
          ("day", Column(daysSinceEpoch: range.map { Int32(19_723 + $0 / 24) })),
          ("flag", Column(range.map { $0 % 3 == 0 })),
          ("name", Column(range.map { $0 % 5 == 0 ? nil : "n\($0)" })),
          ("vector", try Column(vectors: range.map { [Float($0), 1] }, dimension: 2)),
        ])
      }
      let table = try db.createTable("t", data: [try batch(0..<300), try batch(300..<600), try batch(600..<900)])
      let checks: [(String, (Int) -> Bool)] = [
        ("id < 10", { $0 < 10 }),
        ("id >= 850", { $0 >= 850 }),
        ("small BETWEEN 10 AND 20", { $0 % 7 != 0 && (10...20).contains($0 % 200) }),
        ("small IS NULL", { $0 % 7 == 0 }),
        ("score > 89.5", { Float($0) / 10 > 89.5 }),
        ("created >= TIMESTAMP '2024-01-20 00:00:00'", { $0 >= 19 * 24 }),
        ("day = DATE '2024-01-05'", { $0 / 24 == 4 }),
        ("created < DATE '2024-01-02' AND flag", { $0 < 24 && $0 % 3 == 0 }),
        ("name LIKE 'n1_'", { $0 % 5 != 0 && (10...19).contains($0) }),
        ("NOT (name IS NULL) AND id IN (5, 6, 7, 8)", { [6, 7, 8].contains($0) }),
      ]
      for (filter, passes) in checks {
        let expected = (0..<900).filter(passes)
        #expect(try table.countRows(where: filter) == expected.count, "\(filter)")
        let ids = try table.scan().where(filter).select(["id"]).execute()["id"]!.values(as: Int64.self)
        #expect(ids.map(Int.init) == expected, "\(filter)")
      }
    }
  }

  @Test func createModesTimeTravelAndVectorColumnChoice() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<10))
      #expect(throws: (any Error).self) { try db.createTable("t", data: try itemsBatch(0..<5)) }
      let reopened = try db.createTable("t", data: try itemsBatch(0..<5), mode: .existOk)
      #expect(try reopened.countRows() == 10)
      let firstVersion = table.version
      try table.add(try itemsBatch(10..<20))
      #expect(try table.countRows() == 20)
      #expect(try table.checkout(version: firstVersion).countRows() == 10)
      let replaced = try db.createTable("t", data: try itemsBatch(0..<3), mode: .overwrite)
      #expect(try replaced.countRows() == 3)

      let empty = try db.createTable("plain", schema: try Schema([Field("x", .int64)]))
      #expect(try empty.countRows() == 0)
      do {
        _ = try empty.search([1]).execute()
        Issue.record("a table without vectors cannot be searched")
      } catch let error as QueryError {
        #expect(error.code == .noVectorColumn)
      }
      var generator = SeededGenerator(seed: 2)
      let two = try db.createTable(
        "two",
        data: try RecordBatch(columns: [
          "a": (0..<20).map { _ in generator.floats(4) }, "b": (0..<20).map { _ in generator.floats(2) },
        ]))
      do {
        _ = try two.search([1, 2]).execute()
        Issue.record("two vector columns need column(_:)")
      } catch let error as QueryError {
        #expect(error.code == .noVectorColumn)
        #expect(error.message.contains("a, b"))
      }
      let hits = try two.search([1, 2]).column("b").limit(3).execute()
      #expect(hits.rowCount == 3)
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
      #expect(throws: IndexError.self) { try table.createIndex(on: "price", .ivfFlat()) }
      #expect(throws: IndexError.self) { try table.createIndex(on: "nope", .ivfFlat()) }
      #expect(throws: (any Error).self) { try table.createIndex(on: "vector", .ivfFlat(numPartitions: 500)) }
      #expect(throws: QueryError.self) { try table.search(batch: []).execute() }
    }
  }
}

@Test func emptyProjectionWithRowIdReturnsOnlyIdsAndDistances() throws {
  try withDatabase { db in
    let table = try db.createTable("t", data: try itemsBatch(0..<40))
    let query = [Float](repeating: 0.1, count: 8)
    let hits = try table.search(query).limit(3).withRowId().select([]).execute()
    #expect(hits.schema.names == ["_distance", "_rowid"] || hits.schema.names == ["_rowid", "_distance"])
    #expect(hits.rowCount == 3)
  }
}
