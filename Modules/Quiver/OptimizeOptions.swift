import Foundation
import QuiverTable

/// What `Table.optimize(_:)` does; by default all three parts, in this order:
/// 1. compact small or heavily deleted fragments (`compaction`);
/// 2. bring every vector index up to date without retraining (`updateIndexes`): rows a
///    compaction moved are remapped through the table's row-id maps, and rows of fragments the
///    index does not cover are added to it;
/// 3. remove versions older than `removeVersionsOlderThan` (tagged versions and the latest are
///    kept) and the files only they used.
public struct OptimizeOptions: Sendable, Hashable {
  /// How old a version must be to be removed by default: 7 days, as LanceDB.
  public static let defaultVersionAge: TimeInterval = 7 * 24 * 60 * 60

  /// Whether to update the vector indexes.
  public var updateIndexes: Bool
  /// How to compact; nil leaves the fragments as they are.
  public var compaction: CompactionOptions?
  /// Versions older than this many seconds are removed; nil keeps every version.
  public var removeVersionsOlderThan: TimeInterval?

  /// Options; the defaults run every part.
  public init(
    updateIndexes: Bool = true, compaction: CompactionOptions? = CompactionOptions(),
    removeVersionsOlderThan: TimeInterval? = OptimizeOptions.defaultVersionAge
  ) {
    self.updateIndexes = updateIndexes
    self.compaction = compaction
    self.removeVersionsOlderThan = removeVersionsOlderThan
  }
}

/// What `Table.optimize(_:)` did.
public struct OptimizeReport: Sendable, Hashable {
  /// The compaction committed (nil when nothing needed compacting or it was not asked for).
  public var compaction: CompactionResult?
  /// The indexes updated, each committed as a new version with new files.
  public var indexes: [IndexUpdate] = []
  /// What the cleanup removed (nil when it was not asked for).
  public var cleanup: CleanupReport?

  /// An empty report.
  public init(
    compaction: CompactionResult? = nil, indexes: [IndexUpdate] = [], cleanup: CleanupReport? = nil
  ) {
    self.compaction = compaction
    self.indexes = indexes
    self.cleanup = cleanup
  }
}

/// One index brought up to date by `Table.optimize(_:)` or `Table.updateIndex(named:)`.
public struct IndexUpdate: Sendable, Hashable {
  /// The index's name.
  public var name: String
  /// The uuid (folder under `_indices/`) of the files it replaced; older versions keep them.
  public var previousUUID: String
  /// The uuid of the new files.
  public var uuid: String
  /// Rows added to the index (from fragments it did not cover).
  public var addedRows: Int
  /// Rows whose row id a compaction changed, remapped in the index.
  public var remappedRows: Int
  /// Rows dropped from the index (deleted before a compaction, or of removed fragments).
  public var removedRows: Int
  /// The version that committed the new index entry.
  public var version: UInt64
}
