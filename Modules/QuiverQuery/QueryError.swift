#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An error from QuiverQuery: queries, filters and plans.
///
/// Filter errors carry the 1-based character position in the filter text (`position`) and start
/// their message with "at column N: ".
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
    /// An argument does not fit the data or the other arguments.
    case invalidArgument
    /// The filter text is not valid in the filter language (a character, token or literal).
    case syntaxError
    /// A column named in a filter, a projection or a key does not exist.
    case unknownColumn
    /// A filter compares or tests values of types that do not fit together.
    case typeMismatch
    /// The query vector's dimension differs from the vector column's.
    case dimensionMismatch
    /// A query vector holds NaN or infinity.
    case invalidVector
    /// The table has no vector column to search, or several and none was named.
    case noVectorColumn
    /// The operation is valid but not supported by this version.
    case unsupported
  }

  /// The kind of problem.
  public var code: Code
  /// A sentence that names what is wrong and where.
  public var message: String
  /// For filter errors: the 1-based character position in the filter text; nil otherwise.
  public var position: Int?
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
    self.position = nil
    self.underlying = underlying
    self.sourceFile = sourceFile
    self.sourceLine = sourceLine
  }

  /// Creates an error located in a filter text: the message becomes "at column N: message".
  public init(
    _ code: Code, at position: Int, _ message: String, sourceFile: String = #fileID,
    sourceLine: Int = #line
  ) {
    self.code = code
    self.message = "at column \(position): \(message)"
    self.position = position
    self.underlying = nil
    self.sourceFile = sourceFile
    self.sourceLine = sourceLine
  }

  /// `code: message`, for logs and test failures.
  public var description: String { "\(code.rawValue): \(message)" }

  /// Errors are equal when their codes and messages are (not where they were thrown, nor what
  /// caused them).
  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.code == rhs.code && lhs.message == rhs.message && lhs.position == rhs.position
  }

  /// Hashes what equality compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(message)
    hasher.combine(position)
  }
}

extension QueryError: LocalizedError {
  /// The same text as `description`, so `localizedDescription` names the problem.
  public var errorDescription: String? { description }
}
