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
  /// `2k` slots, the first `count` of them offered neighbours.
  private var items: [Neighbor]
  private var count = 0

  /// An empty reservoir keeping the `k` best.
  package init(k: Int) {
    self.k = max(k, 0)
    items = [Neighbor](repeating: Neighbor(id: 0, distance: 0), count: 2 * self.k)
  }

  /// Offers a neighbour; callers skip offers whose distance exceeds `threshold` (it is correct
  /// either way).
  @inline(__always)
  package mutating func insert(id: UInt64, distance: Float) {
    guard k > 0, distance <= threshold else { return }
    items[count] = Neighbor(id: id, distance: distance)
    count += 1
    if count == 2 * k {
      threshold = items.withUnsafeMutableBufferPointer { Self.cut($0, k: k) }
      count = k
    }
  }

  /// Offers `offers` neighbours at once, as many calls of `insert(id:distance:)` in order
  /// would: offer `i` is row `rows[i]` of a partition whose row ids are `ids`, at distance
  /// `distances[i]` (what `PQ4FastScan.select` writes).
  package mutating func insert(
    rows: UnsafePointer<UInt32>, distances: UnsafePointer<Float>, offers: Int,
    ids: UnsafePointer<UInt64>
  ) {
    guard k > 0 else { return }
    let k = self.k
    var count = self.count
    var threshold = self.threshold
    items.withUnsafeMutableBufferPointer { items in
      for offer in 0..<offers where distances[offer] <= threshold {
        items[count] = Neighbor(id: ids[Int(rows[offer])], distance: distances[offer])
        count += 1
        if count == 2 * k {
          threshold = Self.cut(items, k: k)
          count = k
        }
      }
    }
    self.count = count
    self.threshold = threshold
  }

  /// The kept neighbours, best first.
  package func sorted() -> [Neighbor] {
    var kept = Array(items[0..<count])
    return kept.withUnsafeMutableBufferPointer { NeighborSelection.best($0, count: k) }
  }

  /// Moves the `k` best of the full reservoir `items` to its front and returns the distance of
  /// the worst of them (the new threshold).
  private static func cut(_ items: UnsafeMutableBufferPointer<Neighbor>, k: Int) -> Float {
    NeighborSelection.selectBest(items, count: k)
    var worst = -Float.infinity
    for index in 0..<k where items[index].distance > worst { worst = items[index].distance }
    return worst
  }
}
