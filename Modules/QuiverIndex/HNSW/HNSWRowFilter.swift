/// The rows a filtered index search may return, as the HNSW indexes need them: membership for
/// the graph walk, and the allowed rows themselves (ascending) for the exact scan used when
/// they are few. QuiverIndex's allowed-row filter conforms (see `HNSWAllowedRowIds` for a
/// simple sorted-array one).
public protocol HNSWRowFilter: Sendable {
  /// Whether `rowId` may be returned.
  func contains(_ rowId: UInt64) -> Bool
  /// How many rows are allowed (an upper bound is fine).
  var allowedCount: Int { get }
  /// Calls `body` with each allowed row id, ascending (only called when `listsAllowedRows`).
  func forEachAllowedRow(_ body: (UInt64) -> Void)
  /// Whether `forEachAllowedRow` lists the rows; when false the exact scan tests every row of
  /// the partition with `contains` instead.
  var listsAllowedRows: Bool { get }
}

extension HNSWRowFilter {
  /// Filters list their rows unless they say otherwise.
  public var listsAllowedRows: Bool { true }
}

/// QuiverIndex's row filter (a bitmap per fragment) as an HNSW filter. It does not list its rows,
/// so the exact scan tests each row of a partition.
extension RowIDFilter: HNSWRowFilter {
  /// How many rows the filter allows.
  /// How many rows the filter allows.
  /// How many rows the filter allows.
  public var allowedCount: Int { count }
  /// False: a bitmap filter does not list its rows.
  public var listsAllowedRows: Bool { false }
  /// Lists nothing (see `listsAllowedRows`).
  public func forEachAllowedRow(_ body: (UInt64) -> Void) {}
}

/// A sorted array of allowed row ids.
public struct HNSWAllowedRowIds: HNSWRowFilter {
  /// The allowed ids, ascending, without duplicates.
  public let rowIds: [UInt64]

  /// Sorts and deduplicates `rowIds`.
  public init<Rows: Sequence<UInt64>>(_ rowIds: Rows) {
    self.rowIds = Array(Set(rowIds)).sorted()
  }

  /// Binary search. - Complexity: O(log count).
  public func contains(_ rowId: UInt64) -> Bool {
    var low = 0
    var high = rowIds.count
    while low < high {
      let middle = (low + high) / 2
      if rowIds[middle] < rowId { low = middle + 1 } else { high = middle }
    }
    return low < rowIds.count && rowIds[low] == rowId
  }

  /// How many rows the filter allows.
  public var allowedCount: Int { rowIds.count }

  /// Calls `body` with each allowed row id, ascending.
  public func forEachAllowedRow(_ body: (UInt64) -> Void) { rowIds.forEach(body) }
}

/// Allows graph node `i` when the filter contains `rowIds[i]`.
struct HNSWRowFilterNodeFilter<Filter: HNSWRowFilter>: HNSWNodeFilter {
  let rowIds: UnsafePointer<UInt64>
  let filter: Filter

  @inline(__always) func allows(_ node: Int) -> Bool { filter.contains(rowIds[node]) }
  var allowsAll: Bool { false }
}
