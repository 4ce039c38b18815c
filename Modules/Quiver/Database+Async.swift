import QuiverFormat
import QuiverTable

/// The `async` variants: the same calls, run off the cooperative threads (`BlockingWork`), so a
/// database in an object store can be used from tasks without blocking them.
extension Database {
  /// The names of the tables, sorted.
  public func tableNames() async throws -> [String] {
    try await BlockingWork.run { try self.tableNames() }
  }

  /// Opens the latest version of the table `name`.
  /// - Throws: `TableError.notFound` naming the table.
  public func openTable(_ name: String) async throws -> Table {
    try await BlockingWork.run { try self.openTable(name) }
  }

  /// Creates the table `name` holding the rows of `data` (see the synchronous variant).
  public func createTable(_ name: String, data: RecordBatch, mode: CreateMode = .create)
    async throws -> Table
  {
    try await BlockingWork.run { try self.createTable(name, data: data, mode: mode) }
  }

  /// Deletes a table and its files.
  public func dropTable(_ name: String) async throws {
    try await BlockingWork.run { try self.dropTable(name) }
  }
}
