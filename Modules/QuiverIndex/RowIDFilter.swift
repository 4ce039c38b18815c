import QuiverStorage

/// A set of allowed row ids, applied inside a partition scan (prefiltering): one bitmap of row
/// offsets per fragment, so `contains` costs a short search over fragments and one bit test.
public struct RowIDFilter: Sendable, Hashable {
  /// Fragment ids, ascending.
  private var fragmentIds: [UInt32]
  /// Per fragment (same order), bit `offset` set when the row id
  /// `RowID.make(fragmentID: fragment, offset: offset)` is allowed.
  private var bitmaps: [[UInt64]]
  /// The number of allowed row ids.
  public private(set) var count: Int

  /// A filter allowing exactly `rowIds` (duplicates are fine).
  ///
  /// - Complexity: O(n + f log f) for n row ids in f fragments; memory one bit per offset up to each fragment's
  ///   largest allowed offset.
  public init<Rows: Sequence>(allowing rowIds: Rows) where Rows.Element == UInt64 {
    var byFragment: [UInt32: [UInt64]] = [:]
    var total = 0
    for id in rowIds {
      let fragment = RowID.fragmentID(id)
      let offset = Int(RowID.offset(id))
      // Mutating through the subscript keeps the bitmap uniquely referenced: no copy per id.
      if RowIDFilter.insert(offset, into: &byFragment[fragment, default: []]) { total += 1 }
    }
    fragmentIds = byFragment.keys.sorted()
    bitmaps = fragmentIds.map { byFragment[$0]! }
    count = total
  }

  /// Sets bit `offset` in `words`, growing it as needed; true when the bit was not set before.
  private static func insert(_ offset: Int, into words: inout [UInt64]) -> Bool {
    let word = offset >> 6
    if words.count <= word {
      words.append(contentsOf: repeatElement(0, count: word + 1 - words.count))
    }
    let bit = UInt64(1) << UInt64(offset & 63)
    defer { words[word] |= bit }
    return words[word] & bit == 0
  }

  /// True when `rowId` is allowed.
  @inlinable
  public func contains(_ rowId: UInt64) -> Bool {
    guard let slot = slot(of: RowID.fragmentID(rowId)) else { return false }
    return bit(Int(RowID.offset(rowId)), in: slot)
  }

  /// The fragments with at least one allowed row, ascending.
  public var fragments: [UInt32] { fragmentIds }

  @usableFromInline
  func slot(of fragment: UInt32) -> Int? {
    var low = 0
    var high = fragmentIds.count
    while low < high {
      let middle = (low + high) / 2
      if fragmentIds[middle] < fragment { low = middle + 1 } else { high = middle }
    }
    return low < fragmentIds.count && fragmentIds[low] == fragment ? low : nil
  }

  @usableFromInline
  func bit(_ offset: Int, in slot: Int) -> Bool {
    let word = offset >> 6
    return word < bitmaps[slot].count
      && bitmaps[slot][word] & (UInt64(1) << UInt64(offset & 63)) != 0
  }
}
