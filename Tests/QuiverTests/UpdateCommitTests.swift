import Foundation
import Quiver
import QuiverKernels
import QuiverTestSupport
import Testing

/// `update` and `mergeInsert` each commit exactly one version that deletes the old rows and
/// adds the new ones together.
@Suite struct UpdateCommitTests {
  @Test func updateCommitsOneVersion() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<30))
      let before = table.version
      #expect(try table.update(where: "category = 'a'", values: ["price": .float(-1)]) == 10)
      #expect(table.version == before + 1)
      #expect(try table.versions().last?.operation == .update)
      #expect(try table.countRows() == 30)
      #expect(try table.countRows(where: "price = -1") == 10)
      #expect(try table.countRows(where: "category = 'a' AND price != -1") == 0)
      let items = try table.scan().where("price = -1").select(["item"]).execute()["item"]!.strings.compactMap { $0 }
      #expect(items.sorted() == (0..<30).filter { $0 % 3 == 0 }.map { "item\($0)" }.sorted())
      // The previous version still has the old values and no new rows.
      let old = try table.checkout(version: before)
      #expect(try old.countRows() == 30 && old.countRows(where: "price = -1") == 0)
      // Reopening sees the same.
      let reopened = try db.openTable("t")
      #expect(try reopened.countRows(where: "price = -1") == 10 && reopened.countRows() == 30)
      // Nothing matched: nothing committed.
      #expect(try table.update(where: "item = 'none'", values: ["price": .float(1)]) == 0)
      #expect(table.version == before + 1)
    }
  }

  @Test func mergeInsertCommitsOneVersion() throws {
    try withDatabase { db in
      let table = try db.createTable("t", data: try itemsBatch(0..<10))
      let before = table.version
      var generator = SeededGenerator(seed: 11)
      let upsert = try RecordBatch(columns: [
        "item": ["item4", "item7", "item50", "item51"],
        "price": [400.0, 700.0, 5000.0, 5100.0],
        "category": ["u", "u", "n", "n"],
        "vector": (0..<4).map { _ in generator.floats(8) },
      ])
      let result = try table.mergeInsert(on: "item", data: upsert)
      #expect(result.updated == 2 && result.inserted == 2)
      #expect(table.version == before + 1)
      #expect(try table.versions().last?.operation == .update)
      #expect(try table.countRows() == 12)
      let rows = try table.scan().select(["item", "price"]).execute()
      let priceByItem = Dictionary(uniqueKeysWithValues: zip(rows["item"]!.strings.compactMap { $0 }, rows["price"]!.values(as: Double.self)))
      var expected = Dictionary(uniqueKeysWithValues: (0..<10).map { ("item\($0)", Double($0 % 50)) })
      expected["item4"] = 400; expected["item7"] = 700; expected["item50"] = 5000; expected["item51"] = 5100
      #expect(priceByItem == expected)
      // Insert-only: matched keys are left alone, one version for the new row.
      let second = try RecordBatch(columns: [
        "item": ["item4", "item60"], "price": [1.5, 6000.0], "category": ["x", "x"],
        "vector": (0..<2).map { _ in generator.floats(8) },
      ])
      let insertOnly = try table.mergeInsert(on: "item", data: second, updateMatched: false)
      #expect(insertOnly.updated == 0 && insertOnly.inserted == 1)
      #expect(table.version == before + 2)
      #expect(try table.countRows(where: "item = 'item4' AND price = 400") == 1)
      #expect(try table.countRows() == 13)
      // Nothing to do: nothing committed.
      let none = try table.mergeInsert(on: "item", data: second, updateMatched: false)
      #expect(none.updated == 0 && none.inserted == 0 && table.version == before + 2)
    }
  }
}
