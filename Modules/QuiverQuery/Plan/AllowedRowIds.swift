import QuiverIndex

/// The rows an index search may return, in the two forms the indexes use: a `RowIDFilter` for
/// membership inside IVF scans, and the sorted ids for HNSW's exact scan of few allowed rows.
package struct AllowedRowIds: HNSWRowFilter {
  /// Membership, for partition scans and graph walks.
  package let filter: RowIDFilter
  /// The allowed ids, ascending.
  package let rowIds: [UInt64]

  /// - Precondition: `rowIds` is ascending without duplicates.
  package init(sortedRowIds rowIds: [UInt64]) {
    self.rowIds = rowIds
    filter = RowIDFilter(allowing: rowIds)
  }

  package func contains(_ rowId: UInt64) -> Bool { filter.contains(rowId) }
  package var allowedCount: Int { rowIds.count }
  package func forEachAllowedRow(_ body: (UInt64) -> Void) { rowIds.forEach(body) }
}
