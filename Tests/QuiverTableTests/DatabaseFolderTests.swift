import Foundation
import QuiverFormat
import QuiverTestSupport
import Testing

@testable import QuiverTable

@Test func databaseFolderCreatesListsRenamesAndDrops() throws {
  let root = try TestPaths.temporaryDirectory("quiver-db")
  defer { try? FileManager.default.removeItem(at: root) }
  let database = try DatabaseFolder.open(at: root.appendingPathComponent("db"))
  #expect(try database.tableNames().isEmpty)
  _ = try database.createTable("alpha", schema: try smallSchema())
  _ = try database.createTable("beta", schema: try smallSchema())
  #expect(try database.tableNames() == ["alpha", "beta"])
  #expect { try database.createTable("alpha", schema: try smallSchema()) } throws: {
    ($0 as? TableError)?.code == .alreadyExists
  }
  try database.renameTable("alpha", to: "gamma")
  #expect(try database.tableNames() == ["beta", "gamma"])
  #expect(try database.openTable("gamma").version == 1)
  #expect { try database.openTable("alpha") } throws: { ($0 as? TableError)?.code == .notFound }
  #expect { try database.renameTable("beta", to: "gamma") } throws: { ($0 as? TableError)?.code == .alreadyExists }
  let filled = try database.createTable("delta", schema: try smallSchema(), batches: [smallBatch(0..<3)])
  #expect(try liveIDs(database.openTable("delta")) == [0, 1, 2] && filled.version == 1)
  try database.dropTable("delta")
  try database.dropTable("beta")
  #expect(try database.tableNames() == ["gamma"])
  #expect { try database.dropTable("beta") } throws: { ($0 as? TableError)?.code == .notFound }
  for bad in ["", ".hidden", "a/b", "white space", String(repeating: "x", count: 201)] {
    #expect { try database.tableURL(bad) } throws: { ($0 as? TableError)?.code == .invalidArgument }
  }
  #expect { try DatabaseFolder.open(at: root.appendingPathComponent("missing"), createIfMissing: false) } throws: {
    ($0 as? TableError)?.code == .notFound
  }
}
