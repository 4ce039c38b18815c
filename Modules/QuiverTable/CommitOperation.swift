/// What a commit did, recorded in its manifest; the conflict check of concurrent writers reads
/// it.
public struct CommitOperation: Sendable, Hashable, Codable {
  /// The kinds of commit.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The first version of a table.
    case create
    /// Replaced all data (and possibly the schema).
    case overwrite
    /// Added fragments.
    case append
    /// Deleted rows (new deletion files for some fragments).
    case delete
    /// Deleted rows and added fragments in one commit (an update or upsert: new copies of
    /// the changed rows).
    case update
    /// Rewrote fragments (merged, deletions materialised).
    case compact
    /// Made an earlier version's content the latest.
    case restore
    /// Added, moved or removed a tag.
    case tag
    /// Added or replaced an index entry.
    case createIndex
    /// Removed an index entry.
    case dropIndex
    /// Added a nullable column.
    case addColumn
  }

  /// The kind of commit.
  public var kind: Kind
  /// Fragments this commit added.
  public var addedFragmentIDs: [UInt32]
  /// Fragments this commit removed.
  public var removedFragmentIDs: [UInt32]
  /// Fragments whose deletion files this commit changed (`delete`, `update`), or that a new
  /// index covers (`createIndex`).
  public var updatedFragmentIDs: [UInt32]
  /// For `restore`: the version whose content was restored.
  public var restoredVersion: UInt64?
  /// For `compact`: the row-id map file, relative to the table folder.
  public var rowIDMapPath: String?
  /// For `createIndex` / `dropIndex`: the index name; for `tag`: the tag name; for
  /// `addColumn`: the column.
  public var name: String?

  /// Creates an operation record.
  public init(
    kind: Kind, addedFragmentIDs: [UInt32] = [], removedFragmentIDs: [UInt32] = [],
    updatedFragmentIDs: [UInt32] = [], restoredVersion: UInt64? = nil,
    rowIDMapPath: String? = nil, name: String? = nil
  ) {
    self.kind = kind
    self.addedFragmentIDs = addedFragmentIDs
    self.removedFragmentIDs = removedFragmentIDs
    self.updatedFragmentIDs = updatedFragmentIDs
    self.restoredVersion = restoredVersion
    self.rowIDMapPath = rowIDMapPath
    self.name = name
  }
}
