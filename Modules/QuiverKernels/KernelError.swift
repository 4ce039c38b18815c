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

  /// Creates an error with a code and a message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// `code: message`, for logs and test failures.
  public var description: String { "\(code.rawValue): \(message)" }
}
