import QuiverFormat
import QuiverTable

/// The `async` variants of the table's reads and writes (see `BlockingWork`).
extension Table {
  /// Appends rows as a new version.
  public func add(_ batch: RecordBatch) async throws {
    try await BlockingWork.run { try self.add(batch) }
  }

  /// The number of rows, or of rows passing `filter`.
  public func countRows(where filter: String? = nil) async throws -> Int {
    try await BlockingWork.run { try self.countRows(where: filter) }
  }

  /// Deletes the rows passing `filter` as a new version; returns how many were deleted.
  public func delete(where filter: String) async throws -> Int {
    try await BlockingWork.run { try self.delete(where: filter) }
  }

  /// Builds a vector index on `column` and records it as a new version.
  public func createIndex(on column: String, _ config: IndexConfig, name: String? = nil)
    async throws
  {
    try await BlockingWork.run { try self.createIndex(on: column, config, name: name) }
  }

  /// Moves to the latest committed version (commits of other writers included).
  public func checkoutLatest() async throws {
    try await BlockingWork.run { try self.checkoutLatest() }
  }
}

extension VectorSearch {
  /// Runs the search without blocking the calling task's thread: the selected columns plus
  /// `_distance` (and `_rowid`), nearest first.
  public func execute() async throws -> RecordBatch {
    try await BlockingWork.run { try self.execute() }
  }
}

extension BatchVectorSearch {
  /// Runs every search without blocking the calling task's thread; one result per vector.
  public func execute() async throws -> [RecordBatch] {
    try await BlockingWork.run { try self.execute() }
  }
}

extension TableScan {
  /// Runs the scan without blocking the calling task's thread: passing rows in row-id order.
  public func execute() async throws -> RecordBatch {
    try await BlockingWork.run { try self.execute() }
  }
}
