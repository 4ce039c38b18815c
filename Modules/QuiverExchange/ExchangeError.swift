@_exported import protocol QuiverStorage.ModuleError
@_exported import struct QuiverStorage.CodedError
import QuiverStorage

/// What kind of problem an `ExchangeError` is (`ExchangeError.Code`); stable for `switch`.
public enum ExchangeErrorCode: String, Sendable, Hashable {
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

/// An error from QuiverExchange: a Parquet or Arrow file that cannot be read or written. The
/// message is one line that starts with the file and names the place inside it (row group,
/// column and page, or record batch) where the problem is.
public typealias ExchangeError = CodedError<ExchangeErrorCode>
