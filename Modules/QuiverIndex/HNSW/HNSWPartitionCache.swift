#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The partitions of an IVF_HNSW index, each loaded on first use (by `load`) and then kept.
/// An index built in memory starts with every partition present.
final class HNSWPartitionCache: @unchecked Sendable {
  // @unchecked: `slots` is read and written only under `mutex`; partitions are immutable.
  private var slots: [IVFHNSWPartition?]
  private let load: @Sendable (Int) throws(IndexError) -> IVFHNSWPartition
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  /// A cache of `count` partitions read by `load` on demand.
  init(count: Int, load: @escaping @Sendable (Int) throws(IndexError) -> IVFHNSWPartition) {
    slots = Array(repeating: nil, count: count)
    self.load = load
    pthread_mutex_init(mutex, nil)
  }

  /// A cache holding `partitions` already.
  convenience init(partitions: [IVFHNSWPartition]) {
    self.init(count: partitions.count) { index throws(IndexError) in partitions[index] }
    slots = partitions
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  var count: Int { slots.count }

  /// Partition `index`, loading it if needed (two threads may both load it; one copy is kept).
  func partition(_ index: Int) throws(IndexError) -> IVFHNSWPartition {
    pthread_mutex_lock(mutex)
    let present = slots[index]
    pthread_mutex_unlock(mutex)
    if let present { return present }
    let loaded = try load(index)
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    if let raced = slots[index] { return raced }
    slots[index] = loaded
    return loaded
  }

  /// How many partitions are in memory.
  var loadedCount: Int {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
  }
}
