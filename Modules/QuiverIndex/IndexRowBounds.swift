import QuiverStorage

/// What a table version says about the rows an index may hold (Docs/Format.md, "Validation on
/// read"): the row count of each fragment the index covers, and the fragments the version has
/// that the index does not cover. Fragment ids are never reused and a fragment's row count
/// never changes, so bounds taken from one version stay true in every later one; rows of
/// fragments they do not name (compacted away since) are not checked here.
///
/// An index opened with bounds checks each partition's row ids when the partition is read, so
/// a damaged file (with recomputed checksums) fails with an error naming the file and the
/// field instead of returning another row or failing later in a read of the table.
package struct IndexRowBounds: Sendable {
  /// Rows per fragment the index covers.
  private let rowCounts: [UInt32: Int]
  /// Fragments the version has and the index does not cover.
  private let uncovered: Set<UInt32>

  /// Bounds from `rowCounts` (rows of each fragment the index covers) and `uncovered`.
  package init(rowCounts: [UInt32: Int], uncovered: Set<UInt32>) {
    self.rowCounts = rowCounts
    self.uncovered = uncovered
  }

  /// Throws at the first row id of `rowIds` that lies in an uncovered fragment, or at or past
  /// the end of a covered one.
  /// - Parameter path: names the file and partition in the message.
  /// - Complexity: O(n), with one dictionary lookup only where the fragment changes from one
  ///   row to the next (rows of a partition are grouped by fragment).
  /// - Throws: `IndexError.corruptFile` naming `path`, the field, the row id and the fragment.
  package func check(_ rowIds: [UInt64], path: String) throws(IndexError) {
    var fragment: UInt32? = nil
    // Rows of `fragment`; UInt32.max + 1 (no 32-bit offset reaches it) when not bounded here.
    var limit = Int(UInt32.max) + 1
    for (position, rowId) in rowIds.enumerated() {
      let id = RowID.fragmentID(rowId)
      if id != fragment {
        fragment = id
        if let count = rowCounts[id] {
          limit = count
        } else if uncovered.contains(id) {
          throw IndexError(
            .corruptFile,
            "\(path): row ids[\(position)] = \(rowId) is of fragment \(id), which the table "
              + "has but the index does not cover")
        } else {
          limit = Int(UInt32.max) + 1
        }
      }
      let offset = Int(RowID.offset(rowId))
      guard offset < limit else {
        throw IndexError(
          .corruptFile,
          "\(path): row ids[\(position)] = \(rowId) is offset \(offset) of fragment \(id), "
            + "which has \(limit) rows")
      }
    }
  }
}
