/// A set of row offsets within one fragment, one bit per row: the per-fragment part of `RowSet`,
/// and the form of a fragment's deletion vector.
package struct RowBitmap: Sendable, Hashable {
  private(set) var words: [UInt64]
  /// The number of set bits.
  package private(set) var count: Int
  /// The number of rows covered.
  package private(set) var capacity: Int

  /// An empty set (or a full one) over `capacity` rows.
  package init(capacity: Int, full: Bool = false) {
    self.capacity = capacity
    words = [UInt64](repeating: full ? ~0 : 0, count: (capacity + 63) / 64)
    count = full ? capacity : 0
    if full, capacity % 64 != 0 { words[words.count - 1] = (1 << UInt64(capacity % 64)) - 1 }
  }

  /// A set holding `offsets`.
  package init(capacity: Int, offsets: some Sequence<Int>) {
    self.init(capacity: capacity)
    for offset in offsets { insert(offset) }
  }

  @inline(__always) package func contains(_ offset: Int) -> Bool {
    guard offset >= 0 && offset < capacity else { return false }
    return words[offset >> 6] & (1 << UInt64(offset & 63)) != 0
  }

  package mutating func insert(_ offset: Int) {
    precondition(offset >= 0 && offset < capacity, "RowBitmap: offset \(offset) out of 0..<\(capacity)")
    let mask: UInt64 = 1 << UInt64(offset & 63)
    if words[offset >> 6] & mask == 0 {
      words[offset >> 6] |= mask
      count += 1
    }
  }

  package mutating func remove(_ offset: Int) {
    guard offset >= 0 && offset < capacity else { return }
    let mask: UInt64 = 1 << UInt64(offset & 63)
    if words[offset >> 6] & mask != 0 {
      words[offset >> 6] &= ~mask
      count -= 1
    }
  }

  /// Adds every offset of `other` to this set, which grows to `other`'s capacity if that is
  /// larger.
  package mutating func formUnion(_ other: RowBitmap) {
    if other.capacity > capacity {
      capacity = other.capacity
      words += repeatElement(0, count: other.words.count - words.count)
    }
    for index in other.words.indices { words[index] |= other.words[index] }
    count = words.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  /// Removes every offset of `other` from this set.
  package mutating func subtract(_ other: RowBitmap) {
    for index in 0..<min(words.count, other.words.count) { words[index] &= ~other.words[index] }
    count = words.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  /// Calls `body` with each offset, ascending.
  package func forEach(_ body: (Int) throws -> Void) rethrows {
    for (index, word) in words.enumerated() where word != 0 {
      var rest = word
      while rest != 0 {
        let bit = rest.trailingZeroBitCount
        try body(index << 6 + bit)
        rest &= rest - 1
      }
    }
  }

  /// The offsets, ascending.
  package var offsets: [Int] {
    var result: [Int] = []
    result.reserveCapacity(count)
    forEach { result.append($0) }
    return result
  }
}
