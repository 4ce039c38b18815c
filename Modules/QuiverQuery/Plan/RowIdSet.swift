import QuiverStorage

/// A set of row ids across fragments: the rows a filtered index search may return.
///
/// Membership is a dictionary lookup of the fragment and one bit test, so index scans can ask it
/// for every candidate.
package struct RowIdSet: Sendable, Hashable {
  /// Allowed offsets per fragment id.
  package private(set) var fragments: [UInt32: RowBitmap]
  /// The number of allowed rows.
  package private(set) var count: Int

  package init(fragments: [UInt32: RowBitmap]) {
    self.fragments = fragments
    count = fragments.values.reduce(0) { $0 + $1.count }
  }

  @inline(__always) package func contains(_ rowId: UInt64) -> Bool {
    guard let bitmap = fragments[RowID.fragmentID(rowId)] else { return false }
    return bitmap.contains(Int(RowID.offset(rowId)))
  }

  /// Calls `body` with each allowed row id, ascending.
  package func forEach(_ body: (UInt64) throws -> Void) rethrows {
    for fragment in fragments.keys.sorted() {
      try fragments[fragment]!.forEach { offset in
        try body(RowID.make(fragmentID: fragment, offset: UInt32(offset)))
      }
    }
  }

  /// The allowed row ids, ascending.
  package var rowIds: [UInt64] {
    var result: [UInt64] = []
    result.reserveCapacity(count)
    forEach { result.append($0) }
    return result
  }
}
