/// The error type of a module whose errors are a code and a context, and nothing more:
/// `FormatError`, `TableError`, `IndexError` and `ExchangeError` are this type with their own
/// codes, so each of them declares only its codes and gets the rest from `ModuleError`.
public struct CodedError<Code: RawRepresentable<String> & Hashable & Sendable>: ModuleError {
  /// The kind of problem.
  public var code: Code
  /// The message, the error that caused this one and where it was thrown.
  public var context: ErrorContext

  /// An error of kind `code` with `context`; `FormatError(.code, "message")` is the usual way.
  public init(code: Code, context: ErrorContext) {
    self.code = code
    self.context = context
  }
}
