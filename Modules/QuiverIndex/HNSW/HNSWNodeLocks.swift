#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One mutex per graph node (plus one for the entry point), for parallel insertion: a thread
/// holds a node's lock while it reads or rewrites that node's neighbour lists.
///
/// pthread mutexes rather than `Synchronization.Mutex`, which needs macOS 15 while the package
/// supports macOS 14.
final class HNSWNodeLocks: @unchecked Sendable {
  // @unchecked: the mutexes are the synchronisation; their memory is allocated once and never
  // moved.
  private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
  private let count: Int

  /// Creates `count` node locks, the entry-point lock and the work-queue lock.
  init(count: Int) {
    self.count = count
    mutexes = .allocate(capacity: count + 2)
    for index in 0...(count + 1) { pthread_mutex_init(mutexes + index, nil) }
  }

  deinit {
    for index in 0...(count + 1) { pthread_mutex_destroy(mutexes + index) }
    mutexes.deallocate()
  }

  /// Locks node `node`.
  @inline(__always)
  func lock(_ node: Int) { pthread_mutex_lock(mutexes + node) }

  /// Unlocks node `node`.
  @inline(__always)
  func unlock(_ node: Int) { pthread_mutex_unlock(mutexes + node) }

  /// Locks the entry point and top level.
  func lockEntryPoint() { pthread_mutex_lock(mutexes + count) }

  /// Unlocks the entry point and top level.
  func unlockEntryPoint() { pthread_mutex_unlock(mutexes + count) }

  /// Locks the queue of nodes still to insert.
  func lockWorkQueue() { pthread_mutex_lock(mutexes + count + 1) }

  /// Unlocks the queue of nodes still to insert.
  func unlockWorkQueue() { pthread_mutex_unlock(mutexes + count + 1) }
}
