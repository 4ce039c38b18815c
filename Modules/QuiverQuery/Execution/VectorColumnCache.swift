import Foundation

/// Verified vector columns kept in memory across searches, keyed by an immutable file's path and
/// column (data files never change once written), bounded in bytes: the least recently used
/// blocks are dropped first, and a block larger than the whole budget is used once and not kept.
///
/// `@unchecked Sendable`: the mutable state is only touched while holding `lock`.
package final class VectorColumnCache: @unchecked Sendable {
  /// The default budget: 1 GiB of vectors (a 100k × 384 float32 column is 154 MB).
  package static let defaultCapacityBytes = 1 << 30

  /// The most bytes of vectors kept.
  package let capacityBytes: Int
  private let lock = NSLock()
  private var entries: [String: (block: FloatVectorBlock, lastUse: UInt64)] = [:]
  private var heldBytes = 0
  private var clock: UInt64 = 0

  /// An empty cache holding at most `capacityBytes`.
  package init(capacityBytes: Int = defaultCapacityBytes) {
    self.capacityBytes = max(0, capacityBytes)
  }

  /// Bytes of vectors held now.
  package var byteCount: Int { lock.withLock { heldBytes } }

  /// The block cached under `key`, or the one `load` produces (kept if it fits the budget);
  /// nil when `load` returns nil (nothing is remembered then).
  ///
  /// Two threads missing the same key at once both load it; one copy is kept.
  package func block(
    for key: String, load: () throws -> FloatVectorBlock?
  ) rethrows -> FloatVectorBlock? {
    let hit: FloatVectorBlock? = lock.withLock {
      clock += 1
      guard var entry = entries[key] else { return nil }
      entry.lastUse = clock
      entries[key] = entry
      return entry.block
    }
    if let hit { return hit }
    guard let loaded = try load() else { return nil }
    guard loaded.byteCount <= capacityBytes else { return loaded }
    lock.withLock {
      clock += 1
      if entries[key] == nil {
        entries[key] = (loaded, clock)
        heldBytes += loaded.byteCount
      }
      while heldBytes > capacityBytes {
        var victim: String?
        var oldest = UInt64.max
        for (name, entry) in entries where name != key && entry.lastUse < oldest {
          victim = name
          oldest = entry.lastUse
        }
        guard let victim, let removed = entries.removeValue(forKey: victim) else { break }
        heldBytes -= removed.block.byteCount
      }
    }
    return loaded
  }
}
