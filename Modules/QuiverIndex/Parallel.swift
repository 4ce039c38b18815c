import Dispatch
import Foundation

/// Runs index-training loops on all cores.
package enum Parallel {
  /// The number of worker threads used when a caller does not say.
  package static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// Calls `body(worker)` for every worker in `0..<workers`, concurrently, and returns when all
  /// have finished.
  ///
  /// `body` may capture unsafe pointers: callers guarantee that workers write disjoint memory
  /// and that the pointers outlive this call, which is synchronous.
  package static func forEachWorker(_ workers: Int, _ body: (Int) -> Void) {
    if workers <= 1 {
      body(0)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendableBox(escapable)
      DispatchQueue.concurrentPerform(iterations: workers) { worker in box.value(worker) }
    }
  }
}

/// Carries a closure into `concurrentPerform`.
/// `@unchecked Sendable`: only `Parallel.forEachWorker` makes one, for the duration of a
/// synchronous `concurrentPerform` whose workers touch disjoint data (see its contract).
private struct UncheckedSendableBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
