import QuiverQuery
import QuiverStorage
import QuiverTable

/// An index of a table version whose files could not be opened, and why.
struct DamagedIndex: Sendable {
  /// The manifest's entry for the index.
  let entry: IndexEntry
  /// The error opening it gave (`IndexError` for damaged or missing files).
  let error: any Error

  /// Whether the files could not be reached rather than being damaged (a storage I/O failure:
  /// an object store that did not answer): opening the index again later may work, so the
  /// failure is not kept with the version.
  var mayPass: Bool {
    var current: (any Error)? = error
    while let error = current {
      if let storage = error as? StorageError {
        switch storage.code {
        case .ioFailure, .remote: return true
        default: return false
        }
      }
      current = (error as? any ModuleError)?.underlying
    }
    return false
  }
}

extension Table.Snapshot {
  /// Plans `query` on this version. A damaged index on the searched column fails the search
  /// with its error, unless the query bypasses indexes or allows the fallback
  /// (`fallbackOnDamagedIndex`): then the index is left out and the plan carries a warning.
  func plan(_ query: VectorQuery) throws -> VectorSearchPlan {
    var plan = try QueryPlanner.plan(query, source: source, indexes: indexes)
    guard !query.bypassVectorIndex else { return plan }
    for damaged in damagedIndexes where damaged.entry.column == plan.column {
      guard query.fallbackOnDamagedIndex else { throw damaged.error }
      plan.warnings.append(
        "index '\(damaged.entry.name)' on '\(damaged.entry.column)' is damaged and was not "
          + "used (\(damaged.error)); rows it covers are scanned exactly")
    }
    return plan
  }
}
