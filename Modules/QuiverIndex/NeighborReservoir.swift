import QuiverKernels

/// The `k` best of many offered neighbours (by `Neighbor.precedes`), kept as an unsorted
/// reservoir of up to `2k` that is cut back to its `k` best by selection when it fills: offering
/// a neighbour is an append, where a heap would sift on every insert. The answer is the same as
/// `TopK`'s; it pays off when many offers arrive (the fast scan's hundreds per query).
package struct NeighborReservoir {
  /// How many neighbours are kept.
  package let k: Int
  /// Offers farther than this cannot be among the `k` best (infinite until `k` are known).
  package private(set) var threshold: Float = .infinity
  private var items: [Neighbor] = []

  /// An empty reservoir keeping the `k` best.
  package init(k: Int) {
    self.k = max(k, 0)
    items.reserveCapacity(2 * self.k)
  }

  /// Offers a neighbour; callers skip offers whose distance exceeds `threshold` (it is correct
  /// either way).
  @inline(__always)
  package mutating func insert(id: UInt64, distance: Float) {
    guard k > 0, distance <= threshold else { return }
    items.append(Neighbor(id: id, distance: distance))
    if items.count >= 2 * k { shrink() }
  }

  /// The kept neighbours, best first.
  package func sorted() -> [Neighbor] {
    Array(items.sorted(by: Neighbor.precedes).prefix(k))
  }

  /// Keeps the `k` best and sets the threshold to the distance of the worst of them.
  private mutating func shrink() {
    items.withUnsafeMutableBufferPointer { Self.selectBest($0, count: k) }
    items.removeLast(items.count - k)
    var worst = -Float.infinity
    for item in items where item.distance > worst { worst = item.distance }
    threshold = worst
  }

  /// Reorders `items` so its first `count` elements are the `count` best (quickselect with a
  /// median-of-three pivot; deterministic).
  private static func selectBest(_ items: UnsafeMutableBufferPointer<Neighbor>, count: Int) {
    var low = 0
    var high = items.count - 1
    while low < high {
      let middle = low + (high - low) / 2
      // Median of three moved to `high` as the pivot.
      if Neighbor.precedes(items[middle], items[low]) { items.swapAt(middle, low) }
      if Neighbor.precedes(items[high], items[low]) { items.swapAt(high, low) }
      if Neighbor.precedes(items[middle], items[high]) { items.swapAt(middle, high) }
      let pivot = items[high]
      var store = low
      for index in low..<high where Neighbor.precedes(items[index], pivot) {
        items.swapAt(index, store)
        store += 1
      }
      items.swapAt(store, high)
      if store == count - 1 || store == count { return }
      if store < count { low = store + 1 } else { high = store - 1 }
    }
  }
}
