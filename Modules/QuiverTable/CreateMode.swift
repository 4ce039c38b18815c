/// How `Dataset.create` treats an existing table.
public enum CreateMode: String, Sendable, Hashable, CaseIterable {
  /// Fail with `TableError.alreadyExists` if a table exists.
  case create
  /// Commit a new version that replaces the data and schema of an existing table.
  case overwrite
  /// Open an existing table (its schema must match) instead of creating one.
  case existOk
}
