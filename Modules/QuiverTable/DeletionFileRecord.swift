/// The deletion vector of a fragment: the offsets of all its deleted rows, in one file.
public struct DeletionFileRecord: Sendable, Hashable, Codable {
  /// The path relative to the table folder (`_deletions/<fragment>-<version>-<uuid>.del`).
  public var path: String
  /// How many rows it deletes.
  public var deletedRowCount: Int

  /// Creates a deletion-file record.
  public init(path: String, deletedRowCount: Int) {
    self.path = path
    self.deletedRowCount = deletedRowCount
  }
}
