import Dispatch

/// Where the `async` variants run the synchronous API: on threads of a Dispatch queue, never
/// on Swift concurrency's cooperative threads.
///
/// A table in an object store reads over the network, and its storage blocks the calling thread
/// until the bytes arrive (QuiverStorage's protocol is synchronous). Called from a task, that
/// would hold one of the few cooperative threads (one per core) for the whole round trip; here
/// the task suspends instead and the blocking happens on a queue whose threads Dispatch adds as
/// others block, so 64 concurrent searches on 2 cores neither deadlock nor starve other tasks.
enum BlockingWork {
  /// The queue of blocking work (concurrent; Dispatch overcommits its threads).
  private static let queue = DispatchQueue(
    label: "quiver.blocking-work", qos: .userInitiated, attributes: .concurrent)

  /// Runs `body` on the blocking-work queue and resumes the calling task with its result.
  static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result)
    async throws -> Result
  {
    try await withCheckedThrowingContinuation { continuation in
      queue.async { continuation.resume(with: Swift.Result { try body() }) }
    }
  }
}
