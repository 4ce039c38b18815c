import Foundation

/// The fragments an IVF_HNSW index holds rows of, learnt partition by partition as partitions
/// are loaded (its files do not list them, and reading every partition to find out would cost
/// what lazy loading saves). Known once every partition has been loaded at least once.
///
/// `@unchecked Sendable`: `fragments` and `union` are touched only while holding `lock`.
final class PartitionFragmentRecord: @unchecked Sendable {
  private let lock = NSLock()
  /// Per partition, the fragments of its rows, ascending (nil: not loaded yet).
  private var fragments: [[UInt32]?]
  /// How many partitions are still unknown.
  private var unknown: Int
  /// The union, once every partition is known.
  private var union: [UInt32]?

  /// A record of `count` partitions, none known yet.
  init(count: Int) {
    fragments = Array(repeating: nil, count: count)
    unknown = count
    union = count == 0 ? [] : nil
  }

  /// A record of partitions all in memory.
  convenience init(partitions: [IVFHNSWPartition]) {
    self.init(count: partitions.count)
    for (index, partition) in partitions.enumerated() {
      record(partition: index, fragmentIDs: partition.rows.fragmentIDs)
    }
  }

  /// Records the fragments of partition `index` (a second record of it is ignored).
  func record(partition index: Int, fragmentIDs: [UInt32]) {
    lock.withLock {
      guard fragments[index] == nil else { return }
      fragments[index] = fragmentIDs
      unknown -= 1
      if unknown == 0 { union = Array(Set(fragments.compactMap { $0 }.joined())).sorted() }
    }
  }

  /// The fragments of every partition, ascending; nil while some partition was never loaded.
  var allFragmentIDs: [UInt32]? { lock.withLock { union } }
}
