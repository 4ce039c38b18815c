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

  /// Creates an error with a code and a message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
    self.position = nil
  }

  /// Creates an error located in a filter text: the message becomes "at column N: message".
  public init(_ code: Code, at position: Int, _ message: String) {
    self.code = code
    self.message = "at column \(position): \(message)"
    self.position = position
  }

  public var description: String { "\(code.rawValue): \(message)" }
}
