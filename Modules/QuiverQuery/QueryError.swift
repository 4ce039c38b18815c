@_exported import protocol QuiverStorage.ModuleError
import QuiverStorage

/// An error from QuiverQuery: queries, filters and plans.
///
/// Filter errors carry the 1-based character position in the filter text (`position`) and start
/// their message with "at column N: ".
public struct QueryError: ModuleError {
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
  /// The message, the error that caused this one and where it was thrown.
  public var context: ErrorContext
  /// For filter errors: the 1-based character position in the filter text; nil otherwise.
  public var position: Int?

  /// An error of kind `code` with `context` and no position; `QueryError(.code, "message")` is
  /// the usual way.
  public init(code: Code, context: ErrorContext) {
    self.code = code
    self.context = context
  }

  /// Creates an error located in a filter text: the message becomes "at column N: message".
  public init(
    _ code: Code, at position: Int, _ message: String, sourceFile: String = #fileID,
    sourceLine: Int = #line
  ) {
    self.init(
      code, "at column \(position): \(message)", sourceFile: sourceFile, sourceLine: sourceLine)
    self.position = position
  }

  /// Errors are equal when their codes, messages and positions are (not where they were thrown,
  /// nor what caused them).
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
