import CQuiverHNSW

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One lock per graph node (plus one for the entry point and one for the work queue), for
/// parallel insertion: a thread holds a node's lock while it reads or rewrites that node's
/// neighbour lists.
///
/// Node locks are one-byte spin locks (`qh_spin_lock`): they are held for a few dozen
/// instructions (copying or rewriting one list), where a pthread mutex cost a call each way and
/// 40 bytes a node (9 % of the build's time in the profile of Docs/Benchmarks.md, "HNSW
/// build"). The entry-point lock can be held for a whole insertion, so it and the work-queue
/// lock stay pthread mutexes (`Synchronization.Mutex` needs macOS 15; the package supports 14).
final class HNSWNodeLocks: @unchecked Sendable {
  // @unchecked: the locks are the synchronisation; their memory is allocated once and never
  // moved.
  private let nodeLocks: UnsafeMutablePointer<UInt8>
  private let mutexes: UnsafeMutablePointer<pthread_mutex_t>

  /// Creates `count` node locks, the entry-point lock and the work-queue lock.
  init(count: Int) {
    nodeLocks = .allocate(capacity: max(count, 1))
    nodeLocks.initialize(repeating: 0, count: max(count, 1))
    mutexes = .allocate(capacity: 2)
    for index in 0..<2 { pthread_mutex_init(mutexes + index, nil) }
  }

  deinit {
    for index in 0..<2 { pthread_mutex_destroy(mutexes + index) }
    mutexes.deallocate()
    nodeLocks.deallocate()
  }

  /// Locks node `node`.
  @inline(__always)
  func lock(_ node: Int) { qh_spin_lock(nodeLocks + node) }

  /// Unlocks node `node`.
  @inline(__always)
  func unlock(_ node: Int) { qh_spin_unlock(nodeLocks + node) }

  /// Locks the entry point and top level.
  func lockEntryPoint() { pthread_mutex_lock(mutexes) }

  /// Unlocks the entry point and top level.
  func unlockEntryPoint() { pthread_mutex_unlock(mutexes) }

  /// Locks the queue of nodes still to insert.
  func lockWorkQueue() { pthread_mutex_lock(mutexes + 1) }

  /// Unlocks the queue of nodes still to insert.
  func unlockWorkQueue() { pthread_mutex_unlock(mutexes + 1) }
}
