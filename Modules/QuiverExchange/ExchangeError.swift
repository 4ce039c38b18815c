@_exported import protocol QuiverStorage.ModuleError
import QuiverStorage

/// An error from QuiverExchange: a Parquet or Arrow file that cannot be read or written. The
/// message is one line that starts with the file and names the place inside it (row group,
/// column and page, or record batch) where the problem is.
public struct ExchangeError: ModuleError {
  /// What kind of problem it is; stable for `switch`.
  public enum Code: String, Sendable, Hashable {
    /// The file is not a Parquet or Arrow file (wrong magic bytes).
    case badMagic
    /// The file ends before a structure it describes.
    case truncatedFile
    /// A structure inside the file is inconsistent: an offset or length past the end, a count
    /// that does not add up, a value that cannot be decoded.
    case corruptFile
    /// The file is valid but uses something this reader does not support (a codec, an
    /// encoding, a nested type).
    case unsupportedFeature
    /// Reading the file would make more bytes than a reader allows for one column of one row
    /// group or record batch (`ExpandedBytesLimit`): a dictionary entry repeated by many
    /// indices, room for many null vectors. Refused before anything is allocated.
    case exceedsLimit
    /// A column cannot be written in the requested format (a type the format cannot hold).
    case unsupportedType
    /// Rows given to a writer do not match the schema it was created with.
    case schemaMismatch
    /// The operating system refused an open, read, write or rename.
    case ioError
  }

  /// The kind of problem.
  public var code: Code
  /// The message, the error that caused this one and where it was thrown.
  public var context: ErrorContext

  /// An error of kind `code` with `context`; `ExchangeError(.code, "message")` is the usual way.
  public init(code: Code, context: ErrorContext) {
    self.code = code
    self.context = context
  }
}
