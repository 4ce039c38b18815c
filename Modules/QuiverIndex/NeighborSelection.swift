import QuiverKernels

/// Selection and sorting of neighbours in place by `Neighbor.precedes` (distance, then id),
/// specialised for the few hundred candidates of one query: partitions are branch-free (each
/// element is swapped unconditionally and the boundary advances by the comparison's 0 or 1), so
/// the unpredictable comparisons of random distances cost no mispredicted branches.
package enum NeighborSelection {
  /// Reorders `items` so its first `count` elements are its `count` best, in any order
  /// (quickselect with a median-of-three pivot; deterministic).
  package static func selectBest(_ items: UnsafeMutableBufferPointer<Neighbor>, count: Int) {
    guard count > 0, count < items.count else { return }
    var low = 0
    var high = items.count - 1
    while low < high {
      let store = partition(items, low: low, high: high)
      if store == count - 1 || store == count { return }
      if store < count { low = store + 1 } else { high = store - 1 }
    }
  }

  /// Sorts `items`, best first (quicksort over branch-free partitions, insertion sort for short
  /// ranges; past a recursion depth of 2·log₂ n, the standard library sort).
  package static func sort(_ items: UnsafeMutableBufferPointer<Neighbor>) {
    var depth = 2
    var size = items.count
    while size > 1 {
      depth += 2
      size /= 2
    }
    sort(items, low: 0, high: items.count - 1, depthLeft: depth)
  }

  /// The `count` best of `items`, best first.
  package static func best(_ items: UnsafeMutableBufferPointer<Neighbor>, count: Int) -> [Neighbor]
  {
    let kept = min(max(count, 0), items.count)
    selectBest(items, count: kept)
    let front = UnsafeMutableBufferPointer(rebasing: items[0..<kept])
    sort(front)
    return Array(front)
  }

  private static func sort(
    _ items: UnsafeMutableBufferPointer<Neighbor>, low: Int, high: Int, depthLeft: Int
  ) {
    var low = low
    var high = high
    var depthLeft = depthLeft
    while high - low >= 16 {
      guard depthLeft > 0 else {
        var range = UnsafeMutableBufferPointer(rebasing: items[low...high])
        range.sort(by: Neighbor.precedes)
        return
      }
      depthLeft -= 1
      let store = partition(items, low: low, high: high)
      // Recurse into the smaller side, loop on the larger: stack depth O(log n).
      if store - low < high - store {
        sort(items, low: low, high: store - 1, depthLeft: depthLeft)
        low = store + 1
      } else {
        sort(items, low: store + 1, high: high, depthLeft: depthLeft)
        high = store - 1
      }
    }
    guard low < high else { return }
    for index in (low + 1)...high {
      let item = items[index]
      var position = index
      while position > low && Neighbor.precedes(item, items[position - 1]) {
        items[position] = items[position - 1]
        position -= 1
      }
      items[position] = item
    }
  }

  /// Partitions `items[low...high]` around the median of its first, middle and last elements;
  /// returns the pivot's final position (everything before it precedes it, nothing after does).
  @inline(__always)
  private static func partition(_ items: UnsafeMutableBufferPointer<Neighbor>, low: Int, high: Int)
    -> Int
  {
    let middle = low + (high - low) / 2
    // Median of three moved to `high` as the pivot.
    if Neighbor.precedes(items[middle], items[low]) { items.swapAt(middle, low) }
    if Neighbor.precedes(items[high], items[low]) { items.swapAt(high, low) }
    if Neighbor.precedes(items[middle], items[high]) { items.swapAt(middle, high) }
    let pivot = items[high]
    var store = low
    for index in low..<high {
      let item = items[index]
      items[index] = items[store]
      items[store] = item
      store += precedesAsInteger(item, pivot)
    }
    items.swapAt(store, high)
    return store
  }

  /// `Neighbor.precedes(a, b)` as 0 or 1, computed without branches.
  @inline(__always)
  private static func precedesAsInteger(_ a: Neighbor, _ b: Neighbor) -> Int {
    let closer = a.distance < b.distance ? 1 : 0
    let tie = (a.distance == b.distance ? 1 : 0) & (a.id < b.id ? 1 : 0)
    return closer | tie
  }
}
