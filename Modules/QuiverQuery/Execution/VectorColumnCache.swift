import Foundation
import QuiverStorage

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
  private var entries = LeastRecentlyUsedEntries<String, FloatVectorBlock>()

  /// An empty cache holding at most `capacityBytes`.
  package init(capacityBytes: Int = defaultCapacityBytes) {
    self.capacityBytes = max(0, capacityBytes)
  }

  /// Bytes of vectors held now.
  package var byteCount: Int { lock.withLock { entries.byteCount } }

  /// The block cached under `key`, or the one `load` produces (kept if it fits the budget);
  /// nil when `load` returns nil (nothing is remembered then).
  ///
  /// Two threads missing the same key at once both load it; one copy is kept.
  package func block(
    for key: String, load: () throws -> FloatVectorBlock?
  ) rethrows -> FloatVectorBlock? {
    if let hit = lock.withLock({ entries.value(for: key) }) { return hit }
    guard let loaded = try load() else { return nil }
    guard loaded.byteCount <= capacityBytes else { return loaded }
    return lock.withLock {
      entries.insert(loaded, byteCount: loaded.byteCount, for: key, capacityBytes: capacityBytes)
    }
  }
}
