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
    guard let bitmap = fragments[UInt32(truncatingIfNeeded: rowId >> 32)] else { return false }
    return bitmap.contains(Int(UInt32(truncatingIfNeeded: rowId)))
  }

  /// Calls `body` with each allowed row id, ascending.
  package func forEach(_ body: (UInt64) throws -> Void) rethrows {
    for fragment in fragments.keys.sorted() {
      try fragments[fragment]!.forEach { offset in
        try body(UInt64(fragment) << 32 | UInt64(offset))
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
