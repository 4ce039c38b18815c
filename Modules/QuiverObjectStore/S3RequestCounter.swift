import Foundation

/// A count of requests sent, shared by the event-loop callbacks that send them.
///
/// `@unchecked Sendable`: `count` is only touched under `lock`.
final class S3RequestCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  /// Adds one.
  func increment() { lock.withLock { count += 1 } }

  /// The count.
  var value: Int { lock.withLock { count } }
}
