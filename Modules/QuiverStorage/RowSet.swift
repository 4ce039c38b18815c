/// A set of row ids across fragments: the one type for "these rows" shared by tables, indexes
/// and queries — the live rows of a table version (deletions), the rows a prefilter allows, the
/// fragments an index covers, and the filter applied inside an IVF partition scan or an HNSW
/// graph walk. Nothing converts it to another form on the way down.
///
/// It holds one `RowBitmap` of row offsets per fragment (the fragment id is the row id's high
/// 32 bits), so `contains` is a binary search over the fragments and one bit test.
///
/// It lives beside `RowID` in QuiverStorage, the lowest module that tables, indexes and queries
/// share.
public struct RowSet: Sendable, Hashable {
  /// Fragment ids, ascending.
  private var fragmentIDList: [UInt32]
  /// Per fragment (same order), the offsets in the set.
  private var bitmaps: [RowBitmap]
  /// The number of row ids in the set.
  public private(set) var count: Int

  /// The set holding the offsets of `fragments` (bitmaps by fragment id).
  package init(fragments: [UInt32: RowBitmap]) {
    fragmentIDList = fragments.keys.sorted()
    bitmaps = fragmentIDList.map { fragments[$0] ?? RowBitmap(capacity: 0) }
    count = bitmaps.reduce(0) { $0 + $1.count }
  }

  /// The set holding exactly `rowIds` (in any order; duplicates are fine).
  ///
  /// - Complexity: O(n + f log f) for n row ids in f fragments; memory one bit per offset up to
  ///   each fragment's largest offset.
  public init<RowIDs: Sequence<UInt64>>(allowing rowIds: RowIDs) {
    let ids = Array(rowIds)
    var capacities: [UInt32: Int] = [:]
    for id in ids {
      let fragment = RowID.fragmentID(id)
      capacities[fragment] = max(capacities[fragment] ?? 0, Int(RowID.offset(id)) + 1)
    }
    var byFragment = capacities.mapValues { RowBitmap(capacity: $0) }
    for id in ids {
      // Mutating through the subscript keeps the bitmap uniquely referenced: no copy per id.
      byFragment[RowID.fragmentID(id)]?.insert(Int(RowID.offset(id)))
    }
    self.init(fragments: byFragment)
  }

  /// True when `rowId` is in the set.
  @inline(__always)
  public func contains(_ rowId: UInt64) -> Bool {
    guard let slot = slot(of: RowID.fragmentID(rowId)) else { return false }
    return bitmaps[slot].contains(Int(RowID.offset(rowId)))
  }

  /// The fragments with a bitmap in the set (possibly empty ones), ascending.
  public var fragmentIDs: [UInt32] { fragmentIDList }

  /// The offsets of fragment `fragmentID` in the set, or nil when the set has no bitmap for it.
  package func bitmap(ofFragment fragmentID: UInt32) -> RowBitmap? {
    slot(of: fragmentID).map { bitmaps[$0] }
  }

  /// Calls `body` with each row id, ascending.
  public func forEach(_ body: (UInt64) throws -> Void) rethrows {
    for (fragment, bitmap) in zip(fragmentIDList, bitmaps) {
      try bitmap.forEach { offset in
        try body(RowID.make(fragmentID: fragment, offset: UInt32(truncatingIfNeeded: offset)))
      }
    }
  }

  /// The row ids, ascending.
  public var rowIds: [UInt64] {
    var result: [UInt64] = []
    result.reserveCapacity(count)
    forEach { result.append($0) }
    return result
  }

  /// The position of `fragment` in `fragmentIDList`. - Complexity: O(log fragments).
  @inline(__always)
  private func slot(of fragment: UInt32) -> Int? {
    fragmentIDList.sortedPosition(of: fragment)
  }
}

/// The name IVF searches used for a row set before `RowSet` replaced the separate filter types;
/// kept so that code written against it (the fast-scan branch) still reads.
public typealias RowIDFilter = RowSet
