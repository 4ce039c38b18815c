import Foundation

/// The errors of work running on several threads at once; the first is rethrown afterwards.
///
/// `@unchecked Sendable`: `errors` is only read or written while holding `lock`.
final class ErrorCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var errors: [any Error] = []

  /// Keeps `error`.
  func record(_ error: any Error) {
    lock.lock()
    defer { lock.unlock() }
    errors.append(error)
  }

  /// The first error kept, if any.
  var first: (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    return errors.first
  }
}
