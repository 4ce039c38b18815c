#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Search scratch spaces kept between queries, so that a search given no scratch neither
/// allocates nor clears a visited set the size of the graph. A query borrows one for its
/// duration; concurrent queries get different ones.
final class HNSWScratchPool: @unchecked Sendable {
  // @unchecked: `idle` is touched only under `mutex`; a borrowed scratch belongs to one
  // thread until it is returned.
  private var idle: [HNSWSearchScratch] = []
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  private let nodeCount: Int

  /// A pool whose scratches fit graphs of `nodeCount` nodes (they grow if needed).
  init(nodeCount: Int) {
    self.nodeCount = nodeCount
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  /// Runs `body` with a scratch space taken from the pool (or made) and returns it after.
  func withScratch<Result, Failure: Error>(
    _ body: (HNSWSearchScratch) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    pthread_mutex_lock(mutex)
    let scratch = idle.popLast() ?? HNSWSearchScratch(nodeCount: nodeCount)
    pthread_mutex_unlock(mutex)
    defer {
      pthread_mutex_lock(mutex)
      if idle.count < 64 { idle.append(scratch) }
      pthread_mutex_unlock(mutex)
    }
    return try body(scratch)
  }
}
