import Foundation

/// A monotonic clock for timings (immune to wall-clock changes).
enum MonotonicClock {
  /// Now, in nanoseconds since an arbitrary origin.
  static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

  /// Seconds elapsed since `start` (a value of `now()`).
  static func seconds(since start: UInt64) -> Double {
    Double(now() &- start) / 1e9
  }
}
