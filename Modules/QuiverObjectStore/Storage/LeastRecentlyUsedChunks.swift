/// The in-memory layer of `S3ObjectCache`: byte arrays by `S3CachedPart`, at most `budgetBytes`
/// of them, the least recently used dropped first. A warm read is a dictionary lookup and a
/// copy of the asked bytes, with no file read and no checksum.
///
/// Not synchronized: its owner (`S3ObjectCache`) touches it only under its lock.
/// - Complexity: every operation is O(1) amortized, except `removeAll(object:)` (O(parts held)).
struct LeastRecentlyUsedChunks {
  /// The bytes it may hold.
  let budgetBytes: Int
  /// The bytes it holds.
  private(set) var bytesHeld = 0

  /// One held part: its bytes and its neighbours in use order (indices into `slots`, -1 at
  /// the ends).
  private struct Slot {
    var part: S3CachedPart
    var bytes: [UInt8]
    var newer: Int
    var older: Int
  }

  private var slots: [Slot] = []
  private var freeSlots: [Int] = []
  private var slotOfPart: [S3CachedPart: Int] = [:]
  /// The most recently used slot, or -1.
  private var newest = -1
  /// The least recently used slot, or -1.
  private var oldest = -1

  /// An empty cache of `budgetBytes` (0 holds nothing).
  init(budgetBytes: Int) {
    self.budgetBytes = max(0, budgetBytes)
  }

  /// The parts held.
  var count: Int { slotOfPart.count }

  /// The bytes of `part`, now the most recently used, or nil.
  mutating func bytes(of part: S3CachedPart) -> [UInt8]? {
    guard let slot = slotOfPart[part] else { return nil }
    moveToNewest(slot)
    return slots[slot].bytes
  }

  /// Whether `part` is held (its use order unchanged).
  func contains(_ part: S3CachedPart) -> Bool { slotOfPart[part] != nil }

  /// Holds `bytes` as `part` (replacing what it held), the most recently used, and drops the
  /// least recently used parts until the budget holds. Bytes larger than the whole budget are
  /// not held (and any older bytes of `part` are dropped).
  mutating func insert(_ bytes: [UInt8], as part: S3CachedPart) {
    remove(part)
    guard bytes.count <= budgetBytes else { return }
    while bytesHeld + bytes.count > budgetBytes, oldest >= 0 {
      remove(slots[oldest].part)
    }
    let slot = Slot(part: part, bytes: bytes, newer: -1, older: newest)
    let index: Int
    if let free = freeSlots.popLast() {
      index = free
      slots[index] = slot
    } else {
      index = slots.count
      slots.append(slot)
    }
    if newest >= 0 { slots[newest].newer = index }
    newest = index
    if oldest < 0 { oldest = index }
    slotOfPart[part] = index
    bytesHeld += bytes.count
  }

  /// Drops `part` if held.
  mutating func remove(_ part: S3CachedPart) {
    guard let index = slotOfPart.removeValue(forKey: part) else { return }
    unlink(index)
    bytesHeld -= slots[index].bytes.count
    slots[index].bytes = []
    freeSlots.append(index)
  }

  /// Drops every part of `object`.
  mutating func removeAll(object: String) {
    for part in slotOfPart.keys where part.object == object { remove(part) }
  }

  private mutating func moveToNewest(_ index: Int) {
    guard newest != index else { return }
    unlink(index)
    slots[index].older = newest
    slots[index].newer = -1
    if newest >= 0 { slots[newest].newer = index }
    newest = index
    if oldest < 0 { oldest = index }
  }

  private mutating func unlink(_ index: Int) {
    let (newer, older) = (slots[index].newer, slots[index].older)
    if newer >= 0 { slots[newer].older = older } else { newest = older }
    if older >= 0 { slots[older].newer = newer } else { oldest = newer }
  }
}
