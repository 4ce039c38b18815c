import QuiverStorage

/// Allows graph node `i` when the row set contains `rowIds[i]`: a row filter applied inside a
/// graph walk.
struct HNSWRowFilterNodeFilter: HNSWNodeFilter {
  let rowIds: UnsafePointer<UInt64>
  let filter: RowSet

  @inline(__always) func allows(_ node: Int) -> Bool { filter.contains(rowIds[node]) }
  var allowsAll: Bool { false }
}
