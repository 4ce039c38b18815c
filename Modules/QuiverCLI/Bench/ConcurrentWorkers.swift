import Foundation

/// Work spread over threads, any of which may fail.
enum ConcurrentWorkers {
  /// Runs `body(worker)` for every worker in `0..<count` at once
  /// (`DispatchQueue.concurrentPerform`); an error ends only the worker that threw it.
  /// - Throws: the first error a worker threw, once every worker has ended.
  static func run(_ count: Int, _ body: @Sendable (_ worker: Int) throws -> Void) throws {
    let failures = FirstError()
    DispatchQueue.concurrentPerform(iterations: count) { worker in
      do { try body(worker) } catch { failures.record(error) }
    }
    if let error = failures.error { throw error }
  }
}

/// The first error of concurrent workers.
///
/// `@unchecked Sendable`: `stored` is only read or written while holding `lock`.
private final class FirstError: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: (any Error)?

  /// Keeps `error` unless one was kept before.
  func record(_ error: any Error) {
    lock.withLock { if stored == nil { stored = error } }
  }

  /// The error kept, if any.
  var error: (any Error)? { lock.withLock { stored } }
}
