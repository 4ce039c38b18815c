import Foundation
import QuiverStorage

/// The partitions of an opened index, read on first use and kept in a cache bounded in bytes
/// (least recently used first out; the partition just read is always kept, whatever its size),
/// or all held in memory after a build. One cache for every partitioned index type: IVF
/// partitions (`PartitionStore`) and IVF_HNSW partitions with their graphs.
///
/// `@unchecked Sendable`: the mutable cache state is touched only while holding `lock`;
/// partitions are immutable values or immutable objects.
package final class PartitionCache<Partition: Sendable>: @unchecked Sendable {
  private let inMemory: [Partition]?
  private let load: @Sendable (Int) throws(IndexError) -> Partition
  private let byteCount: @Sendable (Partition) -> Int
  private let lock = NSLock()
  private var cache = LeastRecentlyUsedEntries<Int, Partition>()
  private var reads = 0
  /// The number of partitions.
  package let count: Int
  /// The most bytes of partitions the cache keeps (0 for partitions held in memory).
  package let capacityBytes: Int

  /// Partitions held in memory (an index just built).
  package init(partitions: [Partition]) {
    inMemory = partitions
    count = partitions.count
    capacityBytes = 0
    load = { index throws(IndexError) in partitions[index] }
    byteCount = { _ in 0 }
  }

  /// `count` partitions read by `load` on first use, kept up to `capacityBytes` as measured by
  /// `byteCount`.
  package init(
    count: Int, capacityBytes: Int, byteCount: @escaping @Sendable (Partition) -> Int,
    load: @escaping @Sendable (Int) throws(IndexError) -> Partition
  ) {
    inMemory = nil
    self.count = count
    self.capacityBytes = capacityBytes
    self.byteCount = byteCount
    self.load = load
  }

  /// Partition `index`, from memory, the cache or `load` (two threads may both load it; one
  /// copy is kept).
  /// - Throws: the error of `load`.
  package func partition(_ index: Int) throws(IndexError) -> Partition {
    if let inMemory { return inMemory[index] }
    if let hit = lock.withLock({ cache.value(for: index) }) { return hit }
    let loaded = try load(index)
    return lock.withLock {
      reads += 1
      return cache.insert(
        loaded, byteCount: byteCount(loaded), for: index, capacityBytes: capacityBytes)
    }
  }

  /// Of `indices`, the partitions neither held in memory nor cached (their use order unchanged).
  package func missing(_ indices: [Int]) -> [Int] {
    guard inMemory == nil else { return [] }
    return lock.withLock { indices.filter { !cache.contains($0) } }
  }

  /// How many partitions were read by `load` so far (cache misses).
  package var diskReads: Int { lock.withLock { reads } }

  /// Partitions in memory: cached ones, or all of them when held in memory.
  package var cachedPartitionCount: Int {
    inMemory != nil ? count : lock.withLock { cache.count }
  }

  /// Bytes of partitions in the cache (0 when held in memory).
  package var cachedByteCount: Int { lock.withLock { cache.byteCount } }

  /// Every partition held in memory, or nil when they are read on demand.
  package var heldPartitions: [Partition]? { inMemory }

  /// Every partition, in order (reading those not held or cached).
  /// - Throws: the error of `load`.
  package func allPartitions() throws(IndexError) -> [Partition] {
    if let inMemory { return inMemory }
    var result: [Partition] = []
    result.reserveCapacity(count)
    for index in 0..<count { result.append(try partition(index)) }
    return result
  }
}
