import Dispatch
import Foundation

/// The exit of a child process started with `Process.start()`.
///
/// It waits on the process's termination handler, installed before the start so that a child
/// that exits at once is not missed, instead of `Process.waitUntilExit()`: on Linux that spins a
/// run loop which, once a test process has started a few hundred children from many threads, can
/// miss an exit and wait forever (the multi-process tests hung for their whole 300 s limit in CI).
public struct ProcessExit: @unchecked Sendable {
  private let exited = DispatchSemaphore(value: 0)

  /// Blocks until the process has exited; returns at once on every later call.
  public func wait() {
    exited.wait()
    exited.signal()
  }

  /// Suspends the calling task until the process has exited. The blocking wait happens on a
  /// Dispatch thread, so a long-running child holds none of Swift concurrency's cooperative
  /// threads (two on a 2-core machine) that the other tests need.
  public func exited() async {
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        wait()
        continuation.resume()
      }
    }
  }

  fileprivate func signal() { exited.signal() }
}

extension Process {
  /// Runs the process and returns its exit to wait on (see `ProcessExit`).
  public func start() throws -> ProcessExit {
    let exit = ProcessExit()
    terminationHandler = { _ in exit.signal() }
    try run()
    return exit
  }
}
