import Foundation

/// A count of requests sent, by kind, shared by the event-loop callbacks that send them.
///
/// `@unchecked Sendable`: `counts` is only touched under `lock`.
final class S3RequestCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]

  /// Adds one request of `kind` (`GET`, `HEAD`, `PUT`, `LIST`, …).
  func increment(_ kind: String) { lock.withLock { counts[kind, default: 0] += 1 } }

  /// The count of every kind.
  var value: Int { lock.withLock { counts.values.reduce(0, +) } }

  /// The count of each kind sent at least once.
  var byKind: [String: Int] { lock.withLock { counts } }
}
