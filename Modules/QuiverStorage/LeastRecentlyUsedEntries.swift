/// The entries of a cache bounded in bytes that drops the least recently used first: what the
/// index partition cache and the query's vector-column cache both keep. A plain value; its owner
/// guards it with a lock.
package struct LeastRecentlyUsedEntries<Key: Hashable, Value> {
  private var entries: [Key: (value: Value, byteCount: Int, lastUse: UInt64)] = [:]
  private var clock: UInt64 = 0
  /// Bytes of the values held, as given to `insert`.
  package private(set) var byteCount = 0

  /// No entries.
  package init() {}

  /// The number of values held.
  package var count: Int { entries.count }

  /// Whether a value is held under `key` (without making it the most recently used).
  package func contains(_ key: Key) -> Bool { entries[key] != nil }

  /// The value under `key`, which becomes the most recently used; nil when none is held.
  package mutating func value(for key: Key) -> Value? {
    clock += 1
    guard var entry = entries[key] else { return nil }
    entry.lastUse = clock
    entries[key] = entry
    return entry.value
  }

  /// Keeps `value` (of `byteCount` bytes) under `key`, then drops the least recently used other
  /// entries until at most `capacityBytes` are held or only `key`'s is left, so the newest is
  /// always kept. When a value is already held under `key` (another caller loaded it first),
  /// that one stays and is returned.
  /// - Complexity: O(entries) for each entry dropped.
  package mutating func insert(
    _ value: Value, byteCount: Int, for key: Key, capacityBytes: Int
  ) -> Value {
    clock += 1
    if let held = entries[key] { return held.value }
    entries[key] = (value, byteCount, clock)
    self.byteCount += byteCount
    while self.byteCount > capacityBytes {
      var victim: Key?
      var oldest = UInt64.max
      for (other, entry) in entries where other != key && entry.lastUse < oldest {
        victim = other
        oldest = entry.lastUse
      }
      guard let victim, let removed = entries.removeValue(forKey: victim) else { break }
      self.byteCount -= removed.byteCount
    }
    return value
  }
}
