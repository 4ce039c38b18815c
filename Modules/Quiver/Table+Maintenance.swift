import Foundation
import QuiverFormat
import QuiverTable

extension Table {
  /// Merges runs of small neighbouring fragments and rewrites fragments with many deleted rows
  /// without them, as one new version (`Dataset.compact`). The row ids of rewritten rows
  /// change; the table records old → new so that `optimize()` / `updateIndex(named:)` remap
  /// the indexes instead of rebuilding them. Until then, index entries cover only the
  /// fragments that were not rewritten and the others are searched exactly.
  /// - Returns: What was rewritten, or nil when nothing needed it (nothing is committed).
  /// - Throws: `TableError.commitConflict` if a concurrent delete or compaction touched the
  ///   same fragments.
  @discardableResult
  public func compact(_ options: CompactionOptions = CompactionOptions()) throws
    -> CompactionResult?
  {
    try withDataset { try $0.compact(options) }
  }

  /// Removes versions older than `olderThan` (the latest and tagged versions are kept) and
  /// every file no remaining version uses; unreferenced files younger than an hour are kept,
  /// since a commit in flight may be about to use them.
  /// - Throws: `TableError` when a remaining manifest cannot be read (nothing is removed).
  @discardableResult
  public func cleanup(olderThan: Date) throws -> CleanupReport {
    try withDataset { try $0.cleanup(olderThan: olderThan) }
  }

  /// The tags of the current version: name → tagged version.
  public var tags: [String: UInt64] { withDataset { $0.tags } }

  /// Names `version` (the current one when nil) `tag`, as a new version; tagged versions
  /// survive `cleanup` and can be checked out by name.
  /// - Throws: `TableError.alreadyExists` for a tag in use, `.notFound` for an unknown version,
  ///   `.invalidArgument` for an empty name.
  public func tag(_ tag: String, version: UInt64? = nil) throws {
    try withDataset { dataset in try dataset.tag(tag, version: version ?? dataset.version) }
  }

  /// Removes the tag `tag` (the version it named stays until a cleanup removes it).
  /// - Throws: `TableError.notFound` for an unknown tag.
  public func deleteTag(_ tag: String) throws {
    try withDataset { try $0.deleteTag(tag) }
  }

  /// A read-only view of the version tagged `tag`.
  /// - Throws: `TableError.notFound` for an unknown tag.
  public func checkout(tag: String) throws -> Table {
    Table(name: name, dataset: try withDataset { try $0.checkout(tag: tag) })
  }

  /// Adds a nullable column as a new version; existing rows read it as null (no data file is
  /// rewritten).
  /// - Throws: `TableError.invalidArgument` for a non-nullable field, `.alreadyExists` for a
  ///   column of that name.
  public func addColumn(_ field: Field) throws {
    try withDataset { try $0.addColumn(ManifestField(field)) }
  }
}
