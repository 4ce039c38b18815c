import Foundation

/// A count of requests sent, by kind, and of those in flight, shared by the event-loop
/// callbacks that send them.
///
/// `@unchecked Sendable`: `counts`, `inFlight` and `peak` are only touched under `lock`.
final class S3RequestCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]
  private var inFlight = 0
  private var peak = 0

  /// Adds one request of `kind` (`GET`, `HEAD`, `PUT`, `LIST`, …), now in flight.
  func increment(_ kind: String) {
    lock.withLock {
      counts[kind, default: 0] += 1
      inFlight += 1
      peak = max(peak, inFlight)
    }
  }

  /// One request counted by `increment` got its answer (or failed).
  func finished() { lock.withLock { inFlight -= 1 } }

  /// The count of every kind.
  var value: Int { lock.withLock { counts.values.reduce(0, +) } }

  /// The count of each kind sent at least once.
  var byKind: [String: Int] { lock.withLock { counts } }

  /// The most requests in flight at once so far.
  var peakInFlight: Int { lock.withLock { peak } }
}
