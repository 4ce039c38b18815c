/// What every module's error carries besides its code: a sentence that names what is wrong and
/// where, the error that caused it, and the source location of the `throw`.
///
/// Each layer keeps its own error type (`FormatError`, `TableError`, `IndexError`,
/// `QueryError`, `ExchangeError`) with its own codes; they share this context and the behaviour
/// of `ModuleError`, so a message, a cause and a location work the same in every module.
public struct ErrorContext: Sendable {
  /// A sentence that names what is wrong and where.
  public var message: String
  /// The error that caused this one — a system call's, Foundation's or a lower layer's — when
  /// there was one. Not part of equality.
  public var underlying: (any Error)?
  /// The source file (`#fileID`) of the `throw`, for bug reports. Not part of equality.
  public var sourceFile: String
  /// The line of the `throw` in `sourceFile`. Not part of equality.
  public var sourceLine: Int

  /// A context with a message, the error that caused it if any, and the caller's source
  /// location by default.
  public init(
    _ message: String, underlying: (any Error)? = nil, sourceFile: String = #fileID,
    sourceLine: Int = #line
  ) {
    self.message = message
    self.underlying = underlying
    self.sourceFile = sourceFile
    self.sourceLine = sourceLine
  }
}
