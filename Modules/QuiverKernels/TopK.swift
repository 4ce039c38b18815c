/// Keeps the `k` nearest of a stream of candidates in a bounded max-heap.
///
/// Ties on distance are broken by the smaller id, so results are deterministic whatever the
/// insertion order. NaN distances are never kept.
public struct TopK: Sendable {
  /// How many neighbours are kept.
  public let k: Int
  @usableFromInline var heap: [Neighbor]  // max-heap under `Neighbor.precedes`

  /// Creates an empty collector for `k` neighbours.
  ///
  /// Memory grows with the candidates offered, never with `k` alone: a caller's `k` may be far
  /// larger than the number of rows there are.
  ///
  /// - Precondition: `k >= 0`.
  public init(k: Int) {
    precondition(k >= 0, "k must not be negative")
    self.k = k
    heap = []
    heap.reserveCapacity(min(k, TopK.initialCapacityLimit))
  }

  /// The most entries reserved up front; the heap grows past it as candidates arrive.
  static let initialCapacityLimit = 1024

  /// The number of neighbours held (at most `k`).
  public var count: Int { heap.count }

  /// The distance a candidate must beat to enter: the worst kept distance once full, else +∞.
  @inlinable
  public var threshold: Float { heap.count < k ? .infinity : heap[0].distance }

  /// Offers one candidate.
  /// - Complexity: O(log k).
  @inlinable
  public mutating func insert(_ candidate: Neighbor) {
    guard k > 0, !candidate.distance.isNaN else { return }
    if heap.count < k {
      heap.append(candidate)
      siftUp(heap.count - 1)
    } else if Neighbor.precedes(candidate, heap[0]) {
      heap[0] = candidate
      siftDown(0)
    }
  }

  /// Offers one candidate by id and distance.
  @inlinable
  public mutating func insert(id: UInt64, distance: Float) {
    insert(Neighbor(id: id, distance: distance))
  }

  /// The kept neighbours, nearest first.
  /// - Complexity: O(k log k).
  public func sorted() -> [Neighbor] {
    // Heap sort of a copy: the largest kept neighbour moves to the end, one sift per step, with
    // no comparator closure or merge buffer.
    var sorted = self
    var end = sorted.heap.count - 1
    while end > 0 {
      sorted.heap.swapAt(0, end)
      sorted.siftDown(0, count: end)
      end -= 1
    }
    return sorted.heap
  }

  // The sifts move a hole instead of swapping, inside one buffer access (one uniqueness check
  // per insertion rather than one per level): the heap is the hot path of every scan that keeps
  // k = limit × refineFactor candidates.
  @usableFromInline
  mutating func siftUp(_ index: Int) {
    heap.withUnsafeMutableBufferPointer { heap in
      let moving = heap[index]
      var child = index
      while child > 0 {
        let parent = (child - 1) / 2
        guard Neighbor.precedes(heap[parent], moving) else { break }
        heap[child] = heap[parent]
        child = parent
      }
      heap[child] = moving
    }
  }

  @usableFromInline
  mutating func siftDown(_ index: Int) { siftDown(index, count: heap.count) }

  /// Sifts within the first `count` entries.
  mutating func siftDown(_ index: Int, count: Int) {
    heap.withUnsafeMutableBufferPointer { heap in
      let moving = heap[index]
      var parent = index
      while true {
        let left = 2 * parent + 1
        guard left < count else { break }
        var largest = left
        let right = left + 1
        if right < count && Neighbor.precedes(heap[left], heap[right]) { largest = right }
        guard Neighbor.precedes(moving, heap[largest]) else { break }
        heap[parent] = heap[largest]
        parent = largest
      }
      heap[parent] = moving
    }
  }
}

extension TopK {
  /// The `k` smallest entries of `distances`, nearest first, with their positions as ids.
  /// NaN distances are skipped, so fewer than `k` neighbours come back when NaNs are present.
  ///
  /// - Throws: `KernelError.invalidK` if `k` is negative or larger than `distances.count`.
  /// - Complexity: O(n log k).
  public static func select(_ k: Int, from distances: [Float]) throws(KernelError) -> [Neighbor] {
    guard k >= 0, k <= distances.count else {
      throw KernelError(
        .invalidK,
        "k = \(k) with \(distances.count) candidates; k must be in 0...\(distances.count)")
    }
    return distances.withUnsafeBufferPointer { select(k, from: $0) }
  }

  /// The `k` smallest entries of `distances`, nearest first, with their positions as ids
  /// (unsafe layer: a bad `k` traps).
  ///
  /// - Precondition: `0 <= k <= distances.count`.
  /// - Complexity: O(n log k); most candidates cost one comparison against the threshold.
  public static func select(_ k: Int, from distances: UnsafeBufferPointer<Float>) -> [Neighbor] {
    precondition(k >= 0 && k <= distances.count, "k = \(k) with \(distances.count) candidates")
    var top = TopK(k: k)
    guard k > 0 else { return [] }
    for (index, distance) in distances.enumerated() where !(distance > top.threshold) {
      top.insert(id: UInt64(index), distance: distance)
    }
    return top.sorted()
  }
}
