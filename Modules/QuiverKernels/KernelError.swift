#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error thrown by the safe QuiverKernels API when its inputs do not fit together.
public struct KernelError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
    /// Two vectors, or a vector and a block, have different dimensions.
    case dimensionMismatch
    /// A dimension of zero was given.
    case zeroDimension
    /// A block's length is not a whole number of vectors, or an output is the wrong size.
    case invalidLength
    /// `k` is larger than the number of candidates, or not positive.
    case invalidK
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence that names the offending argument and its values.
  public var message: String
  /// The error that caused this one — a system call's, Foundation's or a lower layer's — when
  /// there was one. Not part of equality.
  public var underlying: (any Error)?
  /// The source file (`#fileID`) of the `throw`, for bug reports. Not part of equality.
  public var sourceFile: String
  /// The line of the `throw` in `sourceFile`. Not part of equality.
  public var sourceLine: Int

  /// Creates an error with a code, a message, and the error that caused it if any; the source
  /// location defaults to the caller's.
  public init(
    _ code: Code, _ message: String, underlying: (any Error)? = nil,
    sourceFile: String = #fileID, sourceLine: Int = #line
  ) {
    self.code = code
    self.message = message
    self.underlying = underlying
    self.sourceFile = sourceFile
    self.sourceLine = sourceLine
  }

  /// `code: message`, for logs and test failures.
  public var description: String { "\(code.rawValue): \(message)" }

  /// Errors are equal when their codes and messages are (not where they were thrown, nor what
  /// caused them).
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message
  }

  /// Hashes what equality compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(message)
  }
}

extension KernelError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}
