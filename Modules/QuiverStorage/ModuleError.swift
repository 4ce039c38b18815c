import Foundation

/// The error of one Quiver module: a `code` to switch on plus an `ErrorContext` (message, cause,
/// source location).
///
/// A conforming type declares its codes, stores `code` and `context`, and gets the rest from
/// here: `init(_:_:underlying:)`, the context's fields as properties, `description`
/// (`code: message`), `LocalizedError` with the same text, and equality and hashing over code
/// and message only (not where it was thrown, nor what caused it).
public protocol ModuleError: Error, Hashable, CustomStringConvertible, LocalizedError {
  /// The kinds of problem of this module; stable for `switch`, named by their raw value.
  associatedtype Code: RawRepresentable<String>, Hashable, Sendable

  /// The kind of problem.
  var code: Code { get set }
  /// The message, the cause and the source location.
  var context: ErrorContext { get set }

  /// An error of kind `code` with `context`.
  init(code: Code, context: ErrorContext)
}

extension ModuleError {
  /// Creates an error with a code, a message, and the error that caused it if any; the source
  /// location defaults to the caller's.
  public init(
    _ code: Code, _ message: String, underlying: (any Error)? = nil,
    sourceFile: String = #fileID, sourceLine: Int = #line
  ) {
    self.init(
      code: code,
      context: ErrorContext(
        message, underlying: underlying, sourceFile: sourceFile, sourceLine: sourceLine))
  }

  /// A sentence that names what is wrong and where.
  public var message: String { context.message }
  /// The error that caused this one, when there was one. Not part of equality.
  public var underlying: (any Error)? { context.underlying }
  /// The source file (`#fileID`) of the `throw`. Not part of equality.
  public var sourceFile: String { context.sourceFile }
  /// The line of the `throw` in `sourceFile`. Not part of equality.
  public var sourceLine: Int { context.sourceLine }

  /// `code: message`, for logs and test failures.
  public var description: String { "\(code.rawValue): \(message)" }
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
  /// None: the message names the reason. (Declared here so that a conforming type needs no
  /// Foundation import of its own.)
  public var failureReason: String? { nil }
  /// None.
  public var recoverySuggestion: String? { nil }
  /// None.
  public var helpAnchor: String? { nil }

  /// Errors are equal when their codes and messages are.
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message
  }

  /// Hashes what equality compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(message)
  }
}
