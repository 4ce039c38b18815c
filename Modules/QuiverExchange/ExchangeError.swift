/// An error from QuiverExchange: a Parquet or Arrow file that cannot be read or written. The
/// message is one line that starts with the file and names the place inside it (row group,
/// column and page, or record batch) where the problem is.
public struct ExchangeError: Error, Sendable, Hashable, CustomStringConvertible {
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
    /// A column cannot be written in the requested format (a type the format cannot hold).
    case unsupportedType
    /// Rows given to a writer do not match the schema it was created with.
    case schemaMismatch
    /// The operating system refused an open, read, write or rename.
    case ioError
  }

  /// The kind of problem.
  public var code: Code
  /// One sentence: the file, the place in it, and what is wrong.
  public var message: String

  /// Creates an error with a code and a full message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  /// The message.
  public var description: String { message }
}
