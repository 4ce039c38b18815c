/// A binary max-heap of 64-bit keys in one growable buffer: the priority queues of the graph
/// walk. A key packs a distance and a node (`HNSWKey`), so comparing keys compares distances
/// and breaks ties by the smaller node; a min-heap stores complemented keys.
///
/// The buffer is owned by the value's owner (`HNSWSearchScratch`), which calls `deallocate()`.
struct HNSWKeyHeap {
  private(set) var storage: UnsafeMutablePointer<UInt64>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 64) {
    self.capacity = max(capacity, 4)
    storage = .allocate(capacity: self.capacity)
  }

  func deallocate() { storage.deallocate() }

  var isEmpty: Bool { count == 0 }

  /// The largest key. - Precondition: not empty.
  @inline(__always) var top: UInt64 { storage[0] }

  @inline(__always) mutating func removeAll() { count = 0 }

  /// Adds a key. - Complexity: O(log count).
  @inline(__always)
  mutating func push(_ key: UInt64) {
    if count == capacity { grow() }
    var child = count
    count &+= 1
    while child > 0 {
      let parent = (child &- 1) >> 1
      let parentKey = storage[parent]
      if parentKey >= key { break }
      storage[child] = parentKey
      child = parent
    }
    storage[child] = key
  }

  /// Removes and returns the largest key. - Precondition: not empty.
  @inline(__always)
  mutating func pop() -> UInt64 {
    let result = storage[0]
    count &-= 1
    if count > 0 { siftDown(storage[count]) }
    return result
  }

  /// Replaces the largest key with `key` (a pop and a push in one sift).
  @inline(__always)
  mutating func replaceTop(_ key: UInt64) { siftDown(key) }

  @inline(__always)
  private mutating func siftDown(_ key: UInt64) {
    var parent = 0
    let half = count >> 1
    while parent < half {
      var child = 2 &* parent &+ 1
      var childKey = storage[child]
      let right = child &+ 1
      if right < count {
        let rightKey = storage[right]
        if rightKey > childKey {
          child = right
          childKey = rightKey
        }
      }
      if key >= childKey { break }
      storage[parent] = childKey
      parent = child
    }
    storage[parent] = key
  }

  private mutating func grow() {
    let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * 2)
    bigger.moveInitialize(from: storage, count: count)
    storage.deallocate()
    storage = bigger
    capacity *= 2
  }
}

/// Packs a distance and a node into a key whose unsigned order is (distance, node) order.
enum HNSWKey {
  /// The key of `node` at `distance` (any float; NaN sorts after +∞).
  @inline(__always)
  static func make(_ distance: Float, _ node: UInt32) -> UInt64 {
    let bits = distance.bitPattern
    let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    return UInt64(ordered) << 32 | UInt64(node)
  }

  /// The node of a key.
  @inline(__always)
  static func node(_ key: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: key) }

  /// The distance of a key.
  @inline(__always)
  static func distance(_ key: UInt64) -> Float {
    let ordered = UInt32(truncatingIfNeeded: key >> 32)
    let bits = ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered
    return Float(bitPattern: bits)
  }
}
