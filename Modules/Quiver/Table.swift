import Foundation
import QuiverFormat
import QuiverIndex
import QuiverQuery
import QuiverTable

/// A table of a `Database`: add rows, build indexes, search, scan, delete, update, upsert.
///
/// A `Table` follows the versions it commits itself; `checkoutLatest()` picks up commits of
/// other writers. Reads run on a snapshot (one version), so a search never sees half a commit.
///
/// `@unchecked Sendable`: the mutable state (the dataset and the snapshot cache) is only read or
/// written while holding `lock`.
public final class Table: @unchecked Sendable {
  /// The table's name in its database.
  public let name: String
  /// What index builds and the partition caches of opened indexes may use (the database's).
  public let memoryBudget: MemoryBudget
  private let lock = NSLock()
  private var dataset: Dataset
  private var cachedSnapshot: Snapshot?

  /// How stale reads may be (`Database.readConsistencyInterval`); nil never looks for commits
  /// of other writers on its own.
  private let readConsistencyInterval: Duration?
  /// When reads last looked for a newer version.
  private var lastConsistencyCheck = ContinuousClock.now

  init(
    name: String, dataset: Dataset, readConsistencyInterval: Duration? = nil,
    memoryBudget: MemoryBudget = .default
  ) {
    self.name = name
    self.dataset = dataset
    self.readConsistencyInterval = readConsistencyInterval
    self.memoryBudget = memoryBudget
  }

  /// One version, ready for queries: its data source and its opened indexes.
  struct Snapshot: Sendable {
    let version: UInt64
    let source: TableDataSource
    let indexes: [any QueryVectorIndex]
    /// Indexes of this version whose files could not be opened.
    let damagedIndexes: [DamagedIndex]
    /// Allowed rows per filter (and for deletions), shared by searches of this version.
    let prefilterCache = PrefilterCache()
  }

  /// Opened indexes by uuid (index files never change, so they are shared across versions).
  private var openedIndexes: [String: any VectorIndex] = [:]
  /// Vector columns read for exact scans, kept across versions (data files never change).
  private let vectorCache = VectorColumnCache()

  func withDataset<Result>(_ body: (inout Dataset) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&dataset)
  }

  /// The snapshot of the current version (cached until the next commit).
  func snapshot() throws -> Snapshot {
    lock.lock()
    defer { lock.unlock() }
    if let readConsistencyInterval, !dataset.isReadOnly,
      ContinuousClock.now - lastConsistencyCheck >= readConsistencyInterval
    {
      try dataset.refresh()
      lastConsistencyCheck = .now
    }
    if let cachedSnapshot, cachedSnapshot.version == dataset.version { return cachedSnapshot }
    let source = try TableDataSource(dataset: dataset, vectorCache: vectorCache)
    var indexes: [any QueryVectorIndex] = []
    var damaged: [DamagedIndex] = []
    for entry in dataset.indices {
      // A damaged index must not stop searches that do not use it (another column, or
      // bypassVectorIndex); those that would use it decide in `Snapshot.plan`.
      do {
        let opened =
          try openedIndexes[entry.uuid]
          ?? IndexLoader.open(entry, dataset: dataset, memoryBudget: memoryBudget)
        openedIndexes[entry.uuid] = opened
        indexes.append(try TableIndex.checked(entry: entry, index: opened, dataset: dataset))
      } catch {
        damaged.append(DamagedIndex(entry: entry, error: error))
      }
    }
    let snapshot = Snapshot(
      version: dataset.version, source: source, indexes: indexes, damagedIndexes: damaged)
    // An index whose files could not be reached (the server away) is tried again by the next
    // search; one whose files are damaged stays damaged for this version.
    cachedSnapshot = damaged.contains(where: \.mayPass) ? nil : snapshot
    return snapshot
  }

  // MARK: Versions and schema

  /// The current version number.
  public var version: UInt64 { withDataset { $0.version } }

  /// The schema of the current version.
  public func schema() throws -> Schema { try withDataset { try $0.schema() } }

  /// The indexes of the current version.
  public var indices: [IndexEntry] { withDataset { $0.indices } }

  /// The versions of the table, oldest first.
  public func versions() throws -> [VersionInfo] { try withDataset { try $0.versions() } }

  /// Moves to the latest committed version (commits of other writers included).
  public func checkoutLatest() throws {
    try withDataset { $0 = try $0.latest() }
  }

  /// Makes an earlier version the latest again (as a new version).
  public func restore(version: UInt64) throws {
    try withDataset { try $0.restore(version: version) }
  }

  /// A read-only view of an earlier version (time travel).
  public func checkout(version: UInt64) throws -> Table {
    Table(
      name: name, dataset: try withDataset { try $0.checkout(version: version) },
      readConsistencyInterval: readConsistencyInterval, memoryBudget: memoryBudget)
  }

  // MARK: Writing

  /// Appends rows as a new version.
  /// - Throws: `TableError.schemaMismatch` naming the column.
  public func add(_ batch: RecordBatch) throws { try add([batch]) }

  /// Appends several batches as one new version.
  public func add(_ batches: [RecordBatch]) throws {
    try withDataset { _ = try $0.append(batches) }
  }

  /// The number of rows, or of rows passing `filter`.
  /// - Throws: `QueryError` for a bad filter.
  public func countRows(where filter: String? = nil) throws -> Int {
    try ScanExecutor(source: try snapshot().source, filter: filter).count()
  }
}
